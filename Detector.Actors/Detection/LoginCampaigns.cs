using System.Globalization;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>
/// Failed logins from Nextcloud's log, counted per account and per address in event time, and the cross-address rule
/// built on them. Pure and single-threaded; the detection coordinator feeds it and acts on what it says.
/// </summary>
/// <remarks>
/// <para><b>The account rule.</b> An account with at least <c>AccountMinFailedLogins</c> failures in the last
/// <c>AccountWindowSeconds</c> coming from at least <c>AccountMinNetworks</c> networks is under a distributed attack:
/// one <see cref="AccountAttacked"/> per campaign, whatever each address did alone. A network is an IPv4 address or an
/// IPv6 /64: one person's devices sit behind a few (home, phone, office; a phone's privacy addresses share a /64), and a
/// stale password retried by a sync client every 30 s adds failures, never networks — so a user who mistypes, or whose
/// clients keep an old password after a change, stays below the bar, while a botnet spreading its guesses over many
/// addresses crosses it however slowly each address tries. A campaign ends when its account has had no failure for a
/// window; a later one is a new campaign. Login names are compared without case (Nextcloud's logins are).</para>
/// <para><b>Combined with the access log.</b> Every address's 401/403/429 answers are counted from the access log too
/// (<see cref="AddAccessAuthFailures"/>). An address that failed against an account under attack within the window and
/// has at least <c>CampaignMinAuthFailures</c> such answers in the window is given a verdict naming both:
/// <c>ip_auth_failures>=3/900s+account_campaign:acct-…</c>; a per-IP verdict against an address of a campaign names it
/// too (<see cref="CampaignOf"/>). Nextcloud's failed logins are not added to the per-IP <c>ip_auth_failures</c> rule:
/// a failed WebDAV login is also a 401 in the access log, and would count twice.</para>
/// <para><b>Bounded.</b> At most <c>MaxTrackedAccounts</c> accounts and <c>MaxTrackedLoginAddresses</c> addresses; over
/// a cap, the quarter idle longest goes (accounts under attack are kept: the cap is soft for them). Per account at most
/// <see cref="MaxAttemptsPerAccount"/> runs of failures (a run: one address's failures in one minute, back to back), so a
/// flood from one address costs one entry a minute.</para>
/// </remarks>
public sealed class LoginCampaigns
{
    public const int MaxAttemptsPerAccount = 512;
    /// <summary>Accounts an address remembers having failed against (the most recent ones).</summary>
    private const int AccountsPerAddress = 4;

    private readonly DetectionOptions _options;
    private readonly long _window;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<IpKey, Address> _addresses = [];
    private readonly HashSet<IpKey> _pending = [];

    public LoginCampaigns(DetectionOptions options)
    {
        _options = options;
        _window = options.AccountWindowSeconds;
    }

    public int AccountCount => _accounts.Count;
    public int AddressCount => _addresses.Count;

    /// <summary>Addresses to look at again: they joined a campaign or misbehaved again (<see cref="TakeVerdicts"/>).</summary>
    public bool HasPending => _pending.Count > 0;

    /// <summary>The failure's account, counted; the campaign's alert when this failure starts one.</summary>
    public AccountAttacked? AddFailure(in LoginFailure failure)
    {
        var second = Math.DivRem(failure.TimeMs, 1000, out var ms) - (ms < 0 ? 1 : 0);
        var key = failure.Account.ToLowerInvariant();
        if (!_accounts.TryGetValue(key, out var account))
        {
            if (_accounts.Count >= _options.MaxTrackedAccounts) EvictAccounts();
            _accounts[key] = account = new Account(key);
        }
        account.Prune(second - _window);
        account.Add(second, failure.Ip);

        var address = AddressOf(failure.Ip, second);
        address.Remember(account);
        if (account.InCampaign)
        {
            _pending.Add(failure.Ip);
            return null;
        }
        if (_options.AccountMinFailedLogins <= 0 || account.Failures < _options.AccountMinFailedLogins
            || account.Networks < _options.AccountMinNetworks) return null;

        account.InCampaign = true;
        foreach (var ip in account.AddressesInWindow) _pending.Add(ip);
        return new AccountAttacked(second, account.Name, account.Id, Condition(), account.Failures, account.AddressesInWindow.Count,
            account.Networks, account.MaxPerAddress, _options.AccountWindowSeconds);
    }

    /// <summary>An address's 401/403/429 answers in the access log in one closed second.</summary>
    public void AddAccessAuthFailures(IpKey ip, long second, int count)
    {
        if (count <= 0 || _options.CampaignMinAuthFailures <= 0) return;
        var address = AddressOf(ip, second);
        address.AddAccess(second, count);
        if (address.HasAccounts) _pending.Add(ip);
    }

    /// <summary>
    /// The pseudonym of an account under attack that <paramref name="ip"/> failed against within the window at
    /// <paramref name="now"/>; null when there is none.
    /// </summary>
    public string? CampaignOf(IpKey ip, long now)
    {
        if (!_addresses.TryGetValue(ip, out var address)) return null;
        foreach (var account in address.Accounts)
        {
            if (account is null || account.Evicted) continue;
            account.Prune(now - _window);
            if (account.InCampaign && account.Failed(ip)) return account.Id;
        }
        return null;
    }

    private const string CampaignMarker = "+account_campaign";

    /// <summary>The suffix a verdict against a campaign's address carries: "+account_campaign:acct-…".</summary>
    public static string CampaignSuffix(string accountId) => CampaignMarker + ":" + accountId;

    /// <summary>A condition without the campaign's account ("…+account_campaign"), for counting bans by rule.</summary>
    public static string WithoutAccount(string condition)
    {
        var at = condition.IndexOf(CampaignMarker + ":", StringComparison.Ordinal);
        return at < 0 ? condition : condition[..(at + CampaignMarker.Length)];
    }

    /// <summary>
    /// Verdicts for the pending addresses that take part in a campaign and reached <c>CampaignMinAuthFailures</c> in
    /// the access log within the window, sorted by address; the pending set is emptied. The rate is their auth
    /// failures per second over the window.
    /// </summary>
    public List<IpVerdict> TakeVerdicts(long now, BaselineSnapshot baseline)
    {
        var verdicts = new List<IpVerdict>();
        if (_options.CampaignMinAuthFailures <= 0) _pending.Clear();
        foreach (var ip in _pending)
        {
            if (CampaignOf(ip, now) is not { } id) continue;
            var failures = _addresses[ip].AccessFailuresSince(now - _window);
            if (failures < _options.CampaignMinAuthFailures) continue;
            verdicts.Add(new IpVerdict(ip, now, string.Create(CultureInfo.InvariantCulture,
                    $"ip_auth_failures>={_options.CampaignMinAuthFailures}/{_window}s{CampaignSuffix(id)}"),
                (double)failures / _window, baseline.IpMean, baseline.IpStd));
        }
        _pending.Clear();
        verdicts.Sort((a, b) => a.Ip.CompareTo(b.Ip));
        return verdicts;
    }

    private string Condition() => string.Create(CultureInfo.InvariantCulture,
        $"account_failed_logins>={_options.AccountMinFailedLogins}/{_window}s_networks>={_options.AccountMinNetworks}");

    private Address AddressOf(IpKey ip, long second)
    {
        if (!_addresses.TryGetValue(ip, out var address))
        {
            if (_addresses.Count >= _options.MaxTrackedLoginAddresses) EvictAddresses();
            _addresses[ip] = address = new Address(Math.Max(60, _window / 16));
        }
        address.LastSecond = Math.Max(address.LastSecond, second);
        return address;
    }

    /// <summary>The quarter of the accounts idle longest, never one under attack (the cap is soft for them).</summary>
    private void EvictAccounts()
    {
        var idle = _accounts.Values.Where(a => !a.InCampaign).OrderBy(a => a.LastSecond).ThenBy(a => a.Name, StringComparer.Ordinal)
            .Take(Math.Max(1, _options.MaxTrackedAccounts / 4)).ToList();
        foreach (var account in idle)
        {
            account.Evicted = true;
            _accounts.Remove(account.Name);
        }
    }

    /// <summary>The quarter of the addresses idle longest.</summary>
    private void EvictAddresses()
    {
        var idle = _addresses.OrderBy(a => a.Value.LastSecond).ThenBy(a => a.Key)
            .Take(Math.Max(1, _options.MaxTrackedLoginAddresses / 4)).Select(a => a.Key).ToList();
        foreach (var ip in idle)
        {
            _addresses.Remove(ip);
            _pending.Remove(ip);
        }
    }

    /// <summary>An IPv4 address, or an IPv6 address's /64.</summary>
    internal static IpKey NetworkOf(IpKey ip) => ip.IsV4 ? ip : new IpKey(ip.High, 0);

    /// <summary>One account's failures in the window, as runs (one address, one minute, back to back).</summary>
    private sealed class Account(string name)
    {
        private readonly Queue<(long Second, IpKey Ip, int Count)> _runs = new();
        private (long Second, IpKey Ip, int Count) _tail;
        private readonly Dictionary<IpKey, int> _perAddress = [];
        private readonly Dictionary<IpKey, int> _perNetwork = [];

        public string Name { get; } = name;
        public string Id { get; } = AccountNames.Pseudonym(name);
        public bool InCampaign { get; set; }
        public bool Evicted { get; set; }
        public long LastSecond { get; private set; } = long.MinValue;
        public int Failures { get; private set; }
        public int Networks => _perNetwork.Count;
        public IReadOnlyCollection<IpKey> AddressesInWindow => _perAddress.Keys;
        public int MaxPerAddress => _perAddress.Count == 0 ? 0 : _perAddress.Values.Max();

        public bool Failed(IpKey ip) => _perAddress.ContainsKey(ip);

        public void Add(long second, IpKey ip)
        {
            LastSecond = Math.Max(LastSecond, second);
            Failures++;
            _perAddress[ip] = _perAddress.GetValueOrDefault(ip) + 1;
            var network = NetworkOf(ip);
            _perNetwork[network] = _perNetwork.GetValueOrDefault(network) + 1;
            // The same address again within the tail run's minute: one run longer (the queue holds the older runs).
            if (_tail.Count > 0 && _tail.Ip == ip && EventTime.MinuteOf(_tail.Second) == EventTime.MinuteOf(second))
            {
                _tail = (Math.Max(_tail.Second, second), ip, _tail.Count + 1);
                return;
            }
            if (_tail.Count > 0) _runs.Enqueue(_tail);
            _tail = (second, ip, 1);
            while (_runs.Count >= MaxAttemptsPerAccount) Forget(_runs.Dequeue());
        }

        /// <summary>Forgets runs that ended at or before <paramref name="oldest"/>; with nothing left, the campaign is over.</summary>
        public void Prune(long oldest)
        {
            while (_runs.Count > 0 && _runs.Peek().Second <= oldest) Forget(_runs.Dequeue());
            if (_tail.Count > 0 && _tail.Second <= oldest)
            {
                Forget(_tail);
                _tail = default;
            }
            if (Failures == 0) InCampaign = false;
        }

        private void Forget((long Second, IpKey Ip, int Count) run)
        {
            Failures -= run.Count;
            Decrement(_perAddress, run.Ip, run.Count);
            Decrement(_perNetwork, NetworkOf(run.Ip), run.Count);
        }

        private static void Decrement(Dictionary<IpKey, int> counts, IpKey key, int by)
        {
            var left = counts.GetValueOrDefault(key) - by;
            if (left > 0) counts[key] = left;
            else counts.Remove(key);
        }
    }

    /// <summary>One address: the accounts it failed against lately, and its access-log auth failures in buckets of
    /// a sixteenth of the window (at least a minute), so at most 17 whatever the window.</summary>
    private sealed class Address(long bucketSeconds)
    {
        private readonly List<(long Bucket, int Count)> _access = [];

        public long LastSecond { get; set; } = long.MinValue;
        public Account?[] Accounts { get; } = new Account?[AccountsPerAddress];
        public bool HasAccounts => Accounts[0] is not null;

        public void Remember(Account account)
        {
            var at = Array.IndexOf(Accounts, account);
            // Most recent first; the oldest falls off the end.
            Array.Copy(Accounts, 0, Accounts, 1, (at < 0 ? Accounts.Length : at + 1) - 1);
            Accounts[0] = account;
        }

        /// <summary>Closed seconds arrive in order, so only the last bucket grows.</summary>
        public void AddAccess(long second, int count)
        {
            var bucket = second - (second % bucketSeconds + bucketSeconds) % bucketSeconds;
            if (_access.Count > 0 && _access[^1].Bucket >= bucket) _access[^1] = (_access[^1].Bucket, _access[^1].Count + count);
            else _access.Add((bucket, count));
        }

        /// <summary>Failures in buckets that end after <paramref name="oldest"/> (the window, to a bucket).</summary>
        public int AccessFailuresSince(long oldest)
        {
            var drop = 0;
            while (drop < _access.Count && _access[drop].Bucket + bucketSeconds <= oldest + 1) drop++;
            if (drop > 0) _access.RemoveRange(0, drop);
            var sum = 0;
            foreach (var (_, count) in _access) sum += count;
            return sum;
        }
    }
}
