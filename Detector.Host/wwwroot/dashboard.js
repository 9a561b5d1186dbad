// Detector dashboard: polls the JSON API and renders it. Every string from the API is set as text
// (textContent / text nodes), never parsed as HTML: paths and user agents come straight from the access log.
"use strict";

(() => {
  const REFRESH_MS = 2000;
  const $ = (id) => document.getElementById(id);
  let selectedIp = null;

  // ---------- formatting ----------
  const num = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v)) ? "–" : Number(v).toFixed(digits);
  const int = (v) => (v === null || v === undefined) ? "–" : Number(v).toLocaleString("en-US");
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "permanent";
    seconds = Math.max(0, Math.round(seconds));
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    if (m > 0) return `${m}m ${s}s`;
    return `${s}s`;
  }
  const clockTime = (iso) => iso ? iso.replace("T", " ").replace("Z", "") : "–";

  function setText(id, value) {
    const el = $(id);
    if (el.textContent !== String(value)) el.textContent = String(value);
  }

  // ---------- tables: cells are built from text nodes only ----------
  function cell(value, className) {
    const td = document.createElement("td");
    if (value instanceof Node) td.appendChild(value);
    else td.textContent = value === null || value === undefined ? "" : String(value);
    if (className) td.className = className;
    return td;
  }

  function ipLink(ip) {
    const a = document.createElement("a");
    a.className = "ip";
    a.textContent = ip;
    a.addEventListener("click", () => selectIp(ip));
    return a;
  }

  function fillTable(tableId, rows, columns, emptyText) {
    const body = $(tableId).tBodies[0];
    const fresh = document.createElement("tbody");
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(emptyText, "empty");
      td.colSpan = columns;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    for (const cells of rows) {
      const tr = document.createElement("tr");
      for (const c of cells) tr.appendChild(c);
      fresh.appendChild(tr);
    }
    body.replaceWith(fresh);
  }

  function fillList(listId, values) {
    const list = $(listId);
    list.replaceChildren(...values.map((v) => {
      const li = document.createElement("li");
      li.textContent = v;
      return li;
    }));
    if (values.length === 0) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "none";
      list.appendChild(li);
    }
  }

  // ---------- chart ----------
  // Minutes on a long span, seconds on a short one (right after start).
  let tickWithSeconds = true;
  const timeTick = (ms) => new Date(ms).toISOString().substring(11, tickWithSeconds ? 19 : 16);

  const chart = new Chart($("rate-chart"), {
    type: "line",
    data: {
      datasets: [
        { label: "band low", data: [], borderWidth: 0, pointRadius: 0, fill: false },
        { label: "normal band", data: [], borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(79,163,255,0.15)" },
        { label: "baseline mean", data: [], borderColor: "rgba(139,150,163,0.9)", borderDash: [4, 4], borderWidth: 1, pointRadius: 0 },
        { label: "req/s (60 s)", data: [], borderColor: "#4fa3ff", borderWidth: 2, pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: {
          type: "linear",
          ticks: { color: "#8b96a3", maxTicksLimit: 10, callback: (v) => timeTick(v) },
          grid: { color: "#2a323c" },
        },
        y: { beginAtZero: true, ticks: { color: "#8b96a3" }, grid: { color: "#2a323c" } },
      },
      plugins: {
        legend: { labels: { color: "#d7dde4", filter: (item) => item.text !== "band low" } },
        tooltip: { callbacks: { title: (items) => items.length ? new Date(items[0].parsed.x).toISOString().substring(11, 19) + " UTC" : "" } },
      },
    },
  });

  function renderSeries(series) {
    const xs = series.points.map((p) => Date.parse(p.t));
    if (xs.length > 0) {
      chart.options.scales.x.min = xs[0];
      chart.options.scales.x.max = xs[xs.length - 1];
      tickWithSeconds = xs[xs.length - 1] - xs[0] < 10 * 60 * 1000;
    }
    const pick = (key) => series.points.map((p, i) => ({ x: xs[i], y: p[key] }));
    chart.data.datasets[0].data = pick("lower");
    chart.data.datasets[1].data = pick("upper");
    chart.data.datasets[2].data = pick("mean");
    chart.data.datasets[3].data = pick("rate");
    chart.update("none");
  }

  // ---------- panels ----------
  function renderStatus(s) {
    const pipeline = $("pipeline");
    pipeline.textContent = s.pipeline;
    pipeline.className = "pill " + (["running", "stopped", "failed"].includes(s.pipeline) ? s.pipeline : "");
    setText("event-time", clockTime(s.eventTime));
    setText("lag", s.lagSeconds === null ? "–" : duration(s.lagSeconds));
    setText("uptime", duration(s.uptimeSeconds));
    setText("global-rate", num(s.globalRate, 2));
    const b = s.baseline;
    setText("baseline-mean", num(b.mean, 2));
    setText("baseline-detail", `std60 ${num(b.std60, 2)} · err ${num(b.errorRate * 100, 1)}% · slot ${b.slot}${b.warm ? "" : " (warming up)"}`);
    setText("lines", int(s.lines));
    setText("lines-per-second", num(s.linesPerSecond, 1));
    setText("malformed", int(Object.values(s.malformed).reduce((a, c) => a + c, 0)));
    setText("active-bans", int(s.activeBans));
    setText("firewall", `${s.firewall.backend} · applied ${int(s.firewall.applied)} · failures ${int(s.firewall.failures)}`);
    setText("cpu", num(s.cpuPercent, 1));
    setText("memory", num(s.memoryMb, 0));
  }

  function renderTop(top) {
    fillTable("top-table", top.top.map((t) => [
      cell(ipLink(t.ip), "nowrap"), cell(int(t.requests), "num"), cell(num(t.rate, 2), "num"), cell(int(t.errors), "num"),
      cell(t.banned ? "banned" : "", t.banned ? "banned" : ""),
    ]), 5, "no traffic in the last minute");
  }

  function renderBans(bans) {
    // A range ban (members set) is a network, not an address to look up: its members are listed with its rule.
    fillTable("bans-table", bans.bans.map((b) => [
      cell(b.members ? b.ip : ipLink(b.ip), "nowrap"), cell(b.offence, "num"),
      cell(b.members ? `${b.condition} · ${b.members.join(", ") || "-"}` : b.condition), cell(clockTime(b.bannedAt), "nowrap"),
      cell(b.permanent ? "permanent" : duration(b.remainingSeconds), "num"),
    ]), 5, "nobody is banned");
  }

  function renderAudit(audit) {
    const newestFirst = audit.events.slice(-50).reverse();
    fillTable("audit-table", newestFirst.map((e) => [
      cell(clockTime(e.at), "nowrap"), cell(e.action, "action-" + e.action.replace(/[^A-Z_]/g, "")), cell(e.subject), cell(e.condition),
      cell(num(e.rate, 1), "num"), cell(e.baseline), cell(e.duration),
    ]), 7, "no audit events yet");
  }

  async function renderIp() {
    if (!selectedIp) return;
    const response = await fetch("api/ips/" + encodeURIComponent(selectedIp), { cache: "no-store" });
    const body = await response.json();
    if (!response.ok) {
      setText("ip-summary", `${selectedIp}: ${body.error}`);
      fillList("ip-paths", []);
      fillList("ip-agents", []);
      return;
    }
    const o = body.offender;
    const verdict = body.lastVerdict ? ` · last verdict ${body.lastVerdict.condition} at ${clockTime(body.lastVerdict.at)}` : "";
    const history = o ? ` · ${o.offences} offence(s)${o.banned ? (o.permanent ? ", banned permanently" : `, banned until ${clockTime(o.expiresAt)}`) : ", not banned"}` : " · no offences";
    setText("ip-summary", `${body.ip}: ${int(body.windowRequests)} requests in the window (${num(body.rate, 2)} req/s), ` +
      `${int(body.windowErrors)} errors (${num(body.errorShare * 100, 0)}%)${verdict}${history}`);
    fillList("ip-paths", body.recentPaths);
    fillList("ip-agents", body.recentAgents);
  }

  function selectIp(ip) {
    selectedIp = ip;
    $("ip-input").value = ip;
    renderIp().catch(() => {});
  }

  $("ip-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const ip = $("ip-input").value.trim();
    if (ip) selectIp(ip);
  });

  // ---------- refresh loop ----------
  async function getJson(path) {
    const response = await fetch(path, { cache: "no-store" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  let refreshes = 0;
  async function refresh() {
    try {
      const [status, series, top, bans, audit] = await Promise.all(
        ["api/status", "api/series", "api/top", "api/bans", "api/audit?limit=50"].map(getJson));
      renderStatus(status);
      renderSeries(series);
      renderTop(top);
      renderBans(bans);
      renderAudit(audit);
      // Until someone picks an IP, show the first banned one (or else the busiest).
      if (!selectedIp) {
        const first = bans.bans.find((b) => !b.members)?.ip ?? top.top[0]?.ip;
        if (first) selectedIp = first;
      }
      await renderIp();
      refreshes++;
      const state = $("refresh-state");
      state.textContent = `updated ${new Date().toISOString().substring(11, 19)} UTC`;
      state.className = "meta";
      state.dataset.refreshes = String(refreshes);
    } catch (error) {
      const state = $("refresh-state");
      state.textContent = `update failed: ${error.message}`;
      state.className = "meta stale";
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
