using Detector.Host.Api;
using Detector.Tests.Host.Api;
using Microsoft.Playwright;

namespace Detector.Tests.Host.Api;

/// <summary>The dashboard in a real browser (Debian's Chromium driven by Playwright) against a live daemon whose log
/// carries HTML/JS payloads in a path and a user agent.</summary>
public sealed class DashboardBrowserSpecs
{
    private const string Chromium = "/usr/bin/chromium";
    private const string PathPayload = "/index.php/s/<img src=x onerror=window.__pwned=1>?q=\"quoted\"&x='single'";
    private const string AgentPayload = "</script><script>window.__pwned=2</script><b>bold</b> \"Mozilla\" 'x'";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Dashboard_draws_the_chart_fills_the_tables_updates_and_shows_log_payloads_as_text()
    {
        if (!File.Exists(Chromium)) Assert.Skip($"{Chromium} is not installed (apt-get install chromium; test.sh installs it as root).");

        await using var detector = await LiveDetector.StartAsync();
        await detector.WriteTrafficAsync(seconds: 4, floodPerSecond: 100, floodPath: PathPayload, floodAgent: AgentPayload);
        await detector.UntilAsync<BansDto>("/api/bans", b => b.Bans.Any(x => x.Ip == LiveDetector.Flooder), "the flooder's ban");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1500 } });
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") pageErrors.Add($"{message.Text} ({message.Location})"); };
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);

        try
        {
            await page.GotoAsync(detector.Options.Http.Url + "/");
            var wait = new PageWaitForFunctionOptions { Timeout = 15_000 };

            // Tables fill.
            await page.WaitForFunctionAsync("ip => document.querySelector('#bans-table tbody').textContent.includes(ip)", LiveDetector.Flooder, wait);
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#top-table tbody tr').length >= 3", null, wait);
            await page.WaitForFunctionAsync("ip => [...document.querySelectorAll('#audit-table tbody tr')].some(r => r.textContent.includes('BAN') && r.textContent.includes(ip))", LiveDetector.Flooder, wait);
            Assert.Contains("banned", await page.TextContentAsync("#top-table tbody tr:first-child"));
            Assert.NotEqual("–", await page.TextContentAsync("#cpu"));
            Assert.NotEqual("–", await page.TextContentAsync("#memory"));
            Assert.NotEqual("–", await page.TextContentAsync("#baseline-mean"));
            Assert.NotEqual("–", await page.TextContentAsync("#uptime"));

            // The payloads from the log show as text, and nothing from them runs.
            await page.WaitForFunctionAsync("p => [...document.querySelectorAll('#ip-paths li')].some(li => li.textContent === p)", PathPayload, wait);
            await page.WaitForFunctionAsync("a => [...document.querySelectorAll('#ip-agents li')].some(li => li.textContent === a)", AgentPayload, wait);
            Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('#ip-detail img, #ip-detail script, #ip-detail b, table img, table script, table b').length"));
            Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__pwned === 'undefined'"));

            // The chart is drawn: the rate line's colour is on the canvas, not just axes.
            await page.WaitForFunctionAsync("() => Chart.getChart('rate-chart')?.data.datasets[3].data.length > 2", null, wait);
            var linePixels = await page.EvaluateAsync<int>("""
                () => {
                  const canvas = document.getElementById('rate-chart');
                  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  let n = 0;
                  for (let i = 0; i < data.length; i += 4)
                    if (Math.abs(data[i] - 79) < 30 && Math.abs(data[i + 1] - 163) < 30 && data[i + 2] > 220 && data[i + 3] > 200) n++;
                  return n;
                }
                """);
            Assert.True(linePixels > 50, $"rate line pixels on the canvas: {linePixels}");

            // The page updates within 3 s of new log lines.
            var linesBefore = await page.TextContentAsync("#lines");
            await detector.AppendAsync([LiveDetector.Line(DateTimeOffset.UtcNow, "198.51.100.77", "GET", "/status.php", 200, "probe")]);
            await page.WaitForFunctionAsync("before => document.getElementById('lines').textContent !== before", linesBefore,
                new PageWaitForFunctionOptions { Timeout = 3_000 });

            Assert.Empty(pageErrors);
        }
        catch (TimeoutException e) when (pageErrors.Count > 0)
        {
            throw new TimeoutException($"{e.Message} Page errors: {string.Join(" | ", pageErrors)}", e);
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            TestContext.Current.SendDiagnosticMessage($"dashboard screenshot: {screenshot}");
        }
    }
}
