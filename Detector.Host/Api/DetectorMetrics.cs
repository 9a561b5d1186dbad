using Akka.Actor;
using Detector.Pipeline;
using Detector.Ingest;
using Detector.Alerts;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Prometheus;

namespace Detector.Host.Api;

/// <summary>
/// The Prometheus exposition at /metrics. A registry per host (tests run several hosts in one process), filled from
/// the detector's own counters just before each scrape, plus .NET process metrics.
/// </summary>
public sealed class DetectorMetrics
{
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public DetectorMetrics(IngestCounters ingest, DetectionStats detection, FirewallStats firewall, EnforcementStats enforcement, SlackDeliveryStats slack, EventWebhookStats webhook, DetectorQueries queries, TimeProvider wallClock)
    {
        DotNetStats.Register(Registry);
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);

        var lines = f.CreateCounter("detector_log_lines_total", "Log lines read.");
        var entries = f.CreateCounter("detector_log_entries_total", "Log lines parsed into requests.");
        var malformed = f.CreateCounter("detector_log_malformed_total", "Malformed log lines by reason.", "reason");
        var rotations = f.CreateCounter("detector_log_rotations_total", "Log rotations followed (the file at the path was replaced).");
        var truncations = f.CreateCounter("detector_log_truncations_total", "Log truncations followed (copytruncate).");
        var futureClamped = f.CreateCounter("detector_log_future_clamped_total", "Lines dated in the future, clamped to now.");
        var tooLate = f.CreateCounter("detector_log_too_late_total", "Lines older than the lateness tolerance, left out of detection.");
        var lag = f.CreateGauge("detector_processing_lag_seconds", "Wall clock minus the newest event time seen.");
        var globalRate = f.CreateGauge("detector_global_rate", "Site-wide 60 s request rate (req/s) without banned traffic.");
        var baselineMean = f.CreateGauge("detector_baseline_mean", "Effective baseline mean (req/s).");
        var baselineStd60 = f.CreateGauge("detector_baseline_std60", "Effective baseline spread of 60 s rates (req/s).");
        var bans = f.CreateCounter("detector_bans_total", "Bans applied, by ladder tier and rule.", "tier", "rule");
        var unbans = f.CreateCounter("detector_unbans_total", "Bans lifted (expired or manual).");
        var alerts = f.CreateCounter("detector_global_alerts_total", "Site-wide anomaly episodes.");
        var accountAlerts = f.CreateCounter("detector_account_alerts_total", "Accounts attacked from many networks (Nextcloud's log), one per campaign.");
        var failedLogins = f.CreateCounter("detector_nextcloud_failed_logins_total", "Failed logins read from Nextcloud's log.");
        var activeBans = f.CreateGauge("detector_active_bans", "Bans now according to the offender ledger (addresses and range bans, one each).");
        var setSize = f.CreateGauge("detector_firewall_set_size", "Entries in Detector's firewall set, as last read from the kernel.");
        var firewallFailures = f.CreateCounter("detector_firewall_failures_total", "Firewall commands that failed.");
        var reconcileDrift = f.CreateGauge("detector_reconcile_drift", "Differences between the ledger and the firewall at the last reconcile.");
        var refused = f.CreateCounter("detector_bans_refused_total", "Bans of addresses that are never banned, refused (manual) or lifted (stored).");
        var rangeBans = f.CreateCounter("detector_range_bans_total", "Networks banned as one entry because several of their addresses were banned (range decisions).");
        var webhookFailures = f.CreateCounter("detector_webhook_failures_total", "Slack webhook deliveries that failed.");
        var alertsDropped = f.CreateCounter("detector_alerts_dropped_total", "Alerts dropped because the delivery queue was full.");
        var eventsSent = f.CreateCounter("detector_event_webhook_sent_total", "Events the event webhook accepted.");
        var eventsFailed = f.CreateCounter("detector_event_webhook_failures_total", "Events not delivered to the event webhook after their retries.");
        var eventsDropped = f.CreateCounter("detector_event_webhook_dropped_total", "Events dropped because the event webhook's queue was full.");

        Registry.AddBeforeCollectCallback(async cancellation =>
        {
            lines.IncTo(ingest.Lines);
            entries.IncTo(ingest.Entries);
            foreach (var (reason, count) in ingest.MalformedByReason()) malformed.WithLabels(reason).IncTo(count);
            rotations.IncTo(ingest.Rotations);
            truncations.IncTo(ingest.Truncations);
            futureClamped.IncTo(ingest.FutureClamped);
            tooLate.IncTo(detection.TooLate);
            var newest = ingest.NewestEventMs;
            lag.Set(newest > 0 ? (wallClock.GetUtcNow().ToUnixTimeMilliseconds() - newest) / 1000.0 : 0);
            globalRate.Set(detection.GlobalRate);
            baselineMean.Set(detection.Baseline?.Mean ?? 0);
            baselineStd60.Set(detection.Baseline?.Std60 ?? 0);
            foreach (var (key, count) in detection.BansByTierAndRule) bans.WithLabels(key.Tier.ToString(), key.Rule).IncTo(count);
            unbans.IncTo(detection.Unbans);
            alerts.IncTo(detection.Alerts);
            accountAlerts.IncTo(detection.AccountAlerts);
            failedLogins.IncTo(ingest.Nextcloud.FailedLogins);
            var fw = firewall.Snapshot();
            setSize.Set(fw.SetSize);
            firewallFailures.IncTo(fw.Failures);
            reconcileDrift.Set(fw.LastReconcileAdded + fw.LastReconcileRemoved);
            refused.IncTo(enforcement.RefusedBans);
            rangeBans.IncTo(enforcement.RangeBans);
            webhookFailures.IncTo(slack.Failed);
            alertsDropped.IncTo(slack.Dropped);
            eventsSent.IncTo(webhook.Sent);
            eventsFailed.IncTo(webhook.Failed);
            eventsDropped.IncTo(webhook.Dropped);
            try
            {
                var bans = await queries.BansAsync(cancellation);
                activeBans.Set(bans.Active.Count + bans.Ranges.Count);
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException or OperationCanceledException)
            {
                // Leave the last value; a slow ledger must not fail the whole scrape.
            }
        });
    }
}
