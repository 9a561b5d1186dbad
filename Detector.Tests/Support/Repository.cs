using System.Net;
using System.Net.Sockets;

namespace Detector.Tests.Support;

public static class Repository
{
    /// <summary>A file of the checkout, found by walking up from the test binaries to Detector.sln.</summary>
    public static string File(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Detector.sln"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException("repository root (Detector.sln) not found above " + AppContext.BaseDirectory);
    }
}

public static class Ports
{
    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
