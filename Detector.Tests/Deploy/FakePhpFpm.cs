using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Detector.Tests.Deploy;

/// <summary>
/// A minimal FastCGI responder standing in for Nextcloud's php-fpm: records the parameters Nginx sends and
/// answers 200 (or 404 when the request URI contains "missing"). Enough of the protocol for Nginx's
/// one-request-per-connection FastCGI. Listens on loopback TCP, or on a Unix socket, which Nginx reaches from
/// another network namespace (the netns topology). Linked into Detector.Benchmarks: no xunit here.
/// </summary>
public sealed class FakePhpFpm : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string? _unixSocketPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The upstream's <c>server</c> for Nginx: <c>127.0.0.1:PORT</c> or <c>unix:PATH</c>.</summary>
    public string Upstream => _unixSocketPath is null ? $"127.0.0.1:{Port}" : $"unix:{_unixSocketPath}";

    /// <summary>Keeps the requests' parameters in <see cref="Requests"/> (off for floods).</summary>
    public bool RecordRequests { get; init; } = true;

    public FakePhpFpm() : this(null)
    {
    }

    public FakePhpFpm(string? unixSocketPath)
    {
        _unixSocketPath = unixSocketPath;
        if (unixSocketPath is null)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        else
        {
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(unixSocketPath));
        }
        _listener.Listen(512);
        _loop = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var parameters = new MemoryStream();
        var header = new byte[8];
        ushort requestId = 1;
        while (true)
        {
            await stream.ReadExactlyAsync(header, _stop.Token);
            var type = header[1];
            requestId = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
            var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
            var content = new byte[length + header[6]];
            await stream.ReadExactlyAsync(content, _stop.Token);
            if (type == 4) parameters.Write(content, 0, length); // FCGI_PARAMS
            if (type == 5 && length == 0) break;                 // end of FCGI_STDIN
        }

        var names = ParseParams(parameters.ToArray());
        if (RecordRequests) Requests.Enqueue(names);
        var missing = names.GetValueOrDefault("REQUEST_URI", "").Contains("missing", StringComparison.Ordinal);
        var body = Encoding.ASCII.GetBytes(
            (missing ? "Status: 404 Not Found\r\n" : "Status: 200 OK\r\n") + "Content-Type: text/plain\r\n\r\nfake php-fpm\n");
        await WriteRecordAsync(stream, 6, requestId, body);            // FCGI_STDOUT
        await WriteRecordAsync(stream, 6, requestId, []);              // end of FCGI_STDOUT
        await WriteRecordAsync(stream, 3, requestId, new byte[8]);     // FCGI_END_REQUEST: app status 0, complete
    }

    private async Task WriteRecordAsync(NetworkStream stream, byte type, ushort requestId, byte[] content)
    {
        var record = new byte[8 + content.Length];
        record[0] = 1;
        record[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(2), requestId);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(4), (ushort)content.Length);
        content.CopyTo(record, 8);
        await stream.WriteAsync(record, _stop.Token);
    }

    private static Dictionary<string, string> ParseParams(byte[] data)
    {
        var result = new Dictionary<string, string>();
        var i = 0;
        int Length()
        {
            if ((data[i] & 0x80) == 0) return data[i++];
            var value = (int)(BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(i)) & 0x7FFFFFFF);
            i += 4;
            return value;
        }
        while (i < data.Length)
        {
            var nameLength = Length();
            var valueLength = Length();
            var name = Encoding.UTF8.GetString(data, i, nameLength);
            i += nameLength;
            result[name] = Encoding.UTF8.GetString(data, i, valueLength);
            i += valueLength;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
        if (_unixSocketPath is not null) File.Delete(_unixSocketPath);
    }
}
