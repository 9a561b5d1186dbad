using Detector.Configuration;

namespace Detector.Ingest.Formats;

/// <summary>
/// One file's format: fixed by configuration, or detected from the first line that parses and then kept for the
/// file's life (rotation included). Shared by the parsers of one file's stream, which run on two threads.
/// </summary>
public sealed class LogFormatChoice
{
    private volatile int _format;

    /// <param name="configured"><see cref="LogFormat.Auto"/> to detect.</param>
    public LogFormatChoice(LogFormat configured = LogFormat.Auto) => _format = (int)configured;

    /// <summary><see cref="LogFormat.Auto"/> until detected.</summary>
    public LogFormat Format => (LogFormat)_format;

    /// <summary>Fixes the format unless another thread fixed one first; the format in force.</summary>
    internal LogFormat Fix(LogFormat detected)
    {
        Interlocked.CompareExchange(ref _format, (int)detected, (int)LogFormat.Auto);
        return Format;
    }
}
