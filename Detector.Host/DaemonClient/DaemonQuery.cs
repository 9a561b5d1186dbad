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
        return await SendAsync(api, verb, () => api.GetAsync(path, cancellation), json, output, error, answer =>
        {
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
        });
    }

    /// <summary>Every daemon verb's request path: sends it, reports an unreachable daemon or a failed answer with the
    /// same messages and exit codes, prints the JSON as is with <paramref name="json"/>, else hands the successful
    /// answer to <paramref name="write"/> (which returns the exit code).</summary>
    public static async Task<int> SendAsync(DaemonApi api, string verb, Func<Task<DaemonAnswer>> request, bool json,
        TextWriter output, TextWriter error, Func<DaemonAnswer, int> write)
    {
        DaemonAnswer answer;
        try
        {
            answer = await request();
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
        return write(answer);
    }
}
