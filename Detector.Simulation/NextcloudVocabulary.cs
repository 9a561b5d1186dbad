namespace Detector.Simulation;

/// <summary>Realistic pieces of Nextcloud traffic: user agents, users, files, web assets.</summary>
internal static class NextcloudVocabulary
{
    public static readonly string[] BrowserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
    ];

    public static readonly string[] DesktopSyncAgents =
    [
        "Mozilla/5.0 (Linux) mirall/3.12.3 (Nextcloud, ubuntu-22.04 ClientArchitecture: x86_64 OsArchitecture: x86_64)",
        "Mozilla/5.0 (Windows) mirall/3.13.0stable-Win64 (Nextcloud, windows-10.0.22631 ClientArchitecture: x86_64 OsArchitecture: x86_64)",
        "Mozilla/5.0 (Macintosh) mirall/3.12.3 (Nextcloud, macos-14.4.1 ClientArchitecture: arm64 OsArchitecture: arm64)",
        "Mozilla/5.0 (Linux) mirall/3.11.1 (Nextcloud, fedora-39 ClientArchitecture: x86_64 OsArchitecture: x86_64)",
        "Mozilla/5.0 (Windows) mirall/3.16.2stable-Win64 (build 20250203) (Nextcloud, windows-10.0.26100 ClientArchitecture: x86_64 OsArchitecture: x86_64)",
        "Mozilla/5.0 (Macintosh) mirall/3.15.3 (Nextcloud, macos-15.2 ClientArchitecture: arm64 OsArchitecture: arm64)",
    ];

    public static readonly string[] MobileAgents =
    [
        "Mozilla/5.0 (Android) Nextcloud-android/3.28.1",
        "Mozilla/5.0 (Android) Nextcloud-android/3.29.0",
        "Mozilla/5.0 (iOS) Nextcloud-iOS/5.2.0",
        "Mozilla/5.0 (iOS) Nextcloud-iOS/5.3.2",
        "Mozilla/5.0 (Android) Nextcloud-android/3.30.4",
        "Mozilla/5.0 (iOS) Nextcloud-iOS/6.1.1",
    ];

    public static readonly string[] DavAgents =
    [
        "DAVx5/4.3.16-ose (2024/04/22; dav4jvm; okhttp/4.12.0) Android/14",
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.10.1",
        "macOS/14.4.1 (23E224) CalendarAgent/988",
        "iOS/17.4.1 (21E236) dataaccessd/1.0",
    ];

    public static readonly string[] MonitoringAgents =
    [
        "curl/8.5.0",
        "Uptime-Kuma/1.23.11",
        "Blackbox Exporter/0.25.0",
    ];

    public static readonly string[] ScannerAgents =
    [
        "Mozilla/5.0 zgrab/0.x",
        "python-requests/2.31.0",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2228.0 Safari/537.36",
        "Go-http-client/1.1",
    ];

    public static readonly string[] FirstNames =
        ["anna", "ben", "clara", "david", "eva", "felix", "greta", "hannes", "ines", "jonas", "katrin", "lukas",
         "maria", "nils", "olga", "paul", "rosa", "stefan", "tina", "uwe", "vera", "wolfgang", "yusuf", "zoe"];

    public static readonly string[] LastNames =
        ["schmidt", "mueller", "weber", "fischer", "wagner", "becker", "hoffmann", "koch", "richter", "klein",
         "wolf", "neumann", "braun", "zimmermann", "krause", "hartmann"];

    public static readonly string[] Folders =
    [
        "Documents", "Documents/Projects/2026", "Documents/Invoices/2026-04", "Photos/2026/04", "Shared/Team%20Marketing",
        "Notes", "Templates", "Documents/Contracts/Signed", "InstantUpload/Camera/2026/04", "Talk",
    ];

    public static readonly string[] FileNames =
    [
        "Quarterly%20Report%20Q1%202026.docx", "Budget%202026%20final%20v3.xlsx", "meeting-notes-2026-04-28.md",
        "IMG_20260428_181203.jpg", "Invoice-2026-0412.pdf", "Presentation%20Kickoff.pptx", "scan_0042.pdf",
        "Readme.md", "PXL_20260427_093011245.jpg", "Vertrag%20Mietwohnung%20unterschrieben.pdf",
    ];

    /// <summary>Static assets a page load of the web UI pulls, with typical response sizes.</summary>
    public static readonly (string Path, int Bytes)[] WebAssets =
    [
        ("/dist/core-common.js", 412_833), ("/dist/core-main.js", 97_214), ("/dist/files-main.js", 285_402),
        ("/dist/files-init.js", 64_118), ("/core/css/server.css", 38_911), ("/apps/theming/css/default.css", 4_201),
        ("/apps/theming/theme/default.css?plain=1", 6_433), ("/apps/theming/theme/light.css?plain=0", 3_120),
        ("/core/img/logo/logo.svg", 1_871), ("/apps/theming/favicon", 1_150), ("/core/img/actions/more.svg", 312),
        ("/apps/files/img/app.svg", 498), ("/dist/notifications-main.js", 71_553), ("/dist/user_status-menu.js", 23_880),
        ("/apps/theming/img/background/kamil-porembinski-clouds.jpg", 156_327), ("/core/fonts/NotoSans-Regular-latin.woff2", 42_130),
        ("/dist/activity-sidebar.js", 31_207), ("/dist/comments-comments-app.js", 27_418),
    ];

    /// <summary>Pages a browser user navigates to, with the API calls each triggers.</summary>
    public static readonly string[] WebPages =
    [
        "/apps/files/files?dir=/{folder}", "/apps/dashboard/", "/apps/files/recent", "/apps/calendar/dayGridMonth/now",
        "/apps/files/files/{fileid}?dir=/{folder}&openfile=true", "/apps/photos/", "/apps/deck/board/3", "/apps/spreed/",
    ];

    public static readonly string[] PageApiCalls =
    [
        "/ocs/v2.php/apps/files/api/v1/views",
        "/ocs/v2.php/apps/recommendations/api/v1/recommendations/always",
        "/ocs/v2.php/apps/user_status/api/v1/user_status",
        "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json&shared_with_me=true&include_tags=true",
        "/ocs/v2.php/apps/dashboard/api/v1/widget-items?widgets%5B%5D=recommendations&widgets%5B%5D=activity",
        "/index.php/apps/files/api/v1/stats",
        "/ocs/v2.php/core/navigation/apps?absolute=true&format=json",
    ];

    public static readonly string[] ScannerPaths =
    [
        "/wp-login.php", "/.env", "/.git/config", "/phpmyadmin/index.php", "/admin/config.php", "/wp-admin/setup-config.php",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci/;stok=/locale", "/.aws/credentials",
        "/owa/auth/logon.aspx", "/actuator/health", "/boaform/admin/formLogin", "/xmlrpc.php", "/config.json",
    ];
}

internal static class NextcloudVocabularyExtensions
{
    /// <summary>User ids as Nextcloud instances have them: "anna42", "mschmidt" (LDAP style) or "anna.schmidt".</summary>
    public static string NextUserName(this Random random)
    {
        var first = NextcloudVocabulary.FirstNames[random.Next(NextcloudVocabulary.FirstNames.Length)];
        var last = NextcloudVocabulary.LastNames[random.Next(NextcloudVocabulary.LastNames.Length)];
        return random.Next(3) switch
        {
            0 => first + random.Next(1, 99),
            1 => first[0] + last,
            _ => first + "." + last,
        };
    }

    public static string NextFolder(this Random random) =>
        NextcloudVocabulary.Folders[random.Next(NextcloudVocabulary.Folders.Length)];

    public static string NextFileName(this Random random) =>
        NextcloudVocabulary.FileNames[random.Next(NextcloudVocabulary.FileNames.Length)];

    /// <summary>The cache-busting suffix Nextcloud appends to asset URLs (<c>?v=hash-n</c>).</summary>
    public static string AssetVersion(this Random random) => $"{random.Next():x8}-{random.Next(0, 40)}";
}
