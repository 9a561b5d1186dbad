using System.Text.Json;

namespace Detector.Host.DaemonClient;

/// <summary>The read-only verbs' common path: GET one API resource, print its JSON as is or hand the parsed value
/// to the verb's writer (which returns the exit code), with the same messages and exit codes for every failure.</summary>
public static class DaemonQuery
{
    public static async Task<int> ShowAsync<T>(DaemonConnection connection, string verb, string path, bool json,
        TextWriter output, TextWriter error, Func<T?, int> write, CancellationToken cancellation) where T : class
    {
        using var api = new DaemonApi(connection);
        DaemonAnswer answer;
        try
        {
            answer = await api.GetAsync(path, cancellation);
        }
        catch (DaemonUnreachableException e)
        {
            return api.ReportUnreachable(verb, e, error);
        }
        if (!answer.IsSuccess) return api.ReportFailure(verb, answer, error);
        if (json)
        {
            output.WriteLine(answer.Body);
            return DaemonExitCode.Ok;
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(answer.Body, DaemonApi.Json);
        }
        catch (JsonException e)
        {
            error.WriteLine($"{verb}: the daemon's answer is not the {verb} JSON: {e.Message}");
            return DaemonExitCode.DaemonError;
        }
        return write(value);
    }
}
