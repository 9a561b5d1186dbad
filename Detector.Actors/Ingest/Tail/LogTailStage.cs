using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Detector.Configuration;

namespace Detector.Ingest.Tail;

/// <summary>
/// Source stage behind <see cref="LogTail"/>: reads only when pulled, one batch per read, and in
/// follow mode polls at end of file for new data, truncation (copytruncate) and a different file
/// at the path (rename rotation, delete and recreate).
/// </summary>
/// <param name="signalCaughtUp">Push <see cref="LineBatch.CaughtUp"/> once each time the tail reaches the end of the file
/// or waits for it to appear (follow mode, several files merged).</param>
internal sealed class LogTailStage(string path, LogOptions options, IngestCounters counters, bool fromStart, bool stopAtEnd, bool signalCaughtUp)
    : GraphStage<SourceShape<LineBatch>>
{
    /// <summary>
    /// Size of a batch buffer (held partial line + read). It stays below the 85,000-byte large-object
    /// threshold: 1 MiB buffers caused a gen-2 collection every few MB and halved replay throughput.
    /// </summary>
    public const int BatchBufferBytes = 80 * 1024;

    /// <summary>Smallest read when a long held partial line fills most of a batch buffer.</summary>
    private const int MinReadBytes = 4096;

    /// <summary>
    /// After a new file appears at the path, the old one is drained until it has been quiet this long:
    /// logrotate's <c>create</c> makes the new file before the writer reopens, and until then the
    /// writer keeps appending to the old one.
    /// </summary>
    public static readonly TimeSpan RotationQuietPeriod = TimeSpan.FromSeconds(1);

    private string Path { get; } = path;
    private LogOptions Options { get; } = options;
    private bool SignalCaughtUp { get; } = signalCaughtUp;
    private IngestCounters Counters { get; } = counters;
    private bool FromStart { get; } = fromStart;
    private bool StopAtEnd { get; } = stopAtEnd;
    private Outlet<LineBatch> Out { get; } = new("LogTail.out");

    public override SourceShape<LineBatch> Shape => _shape ??= new SourceShape<LineBatch>(Out);
    private SourceShape<LineBatch>? _shape;

    protected override Attributes InitialAttributes => Attributes.CreateName("LogTail");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string PollTimer = "poll";

        private readonly LogTailStage _stage;
        private readonly string _path;
        private readonly TimeSpan _pollInterval;
        private readonly LineAssembler _assembler;
        private TailedFile? _file;
        private bool _startAtEnd;
        private bool _readSinceLastCheck;
        // The last read found the end of the file: before reading again, check that the file was not rewritten.
        private bool _atEndOfFile;
        private long? _replacementQuietSinceMs;
        private bool _reportedMissingPath;
        private string? _lastProblem;
        // A caught-up marker was pushed and no line since.
        private bool _signalledCaughtUp;

        public Logic(LogTailStage stage) : base(stage.Shape)
        {
            _stage = stage;
            _path = stage.Path;
            _pollInterval = TimeSpan.FromMilliseconds(Math.Max(1, stage.Options.PollIntervalMs));
            _assembler = new LineAssembler(stage.Options.MaxLineBytes, stage.Counters);
            SetHandler(stage.Out, onPull: Advance);
        }

        public override void PreStart() =>
            // A file that already exists is followed from its end; one that appears later is new and read whole.
            _startAtEnd = !_stage.FromStart && File.Exists(_path);

        public override void PostStop() => _file?.Dispose();

        protected override void OnTimer(object timerKey)
        {
            if (IsAvailable(_stage.Out)) Advance();
        }

        private void Advance()
        {
            try
            {
                while (true)
                {
                    if (_file is null && !TryOpen())
                    {
                        if (!SignalCaughtUp()) AwaitNextPoll();
                        return;
                    }
                    if (_atEndOfFile)
                    {
                        _atEndOfFile = false;
                        if (!_stage.StopAtEnd) RestartIfTruncated(_file!);
                    }

                    var batch = ReadNext(out var endOfFile);
                    if (batch is not null)
                    {
                        _signalledCaughtUp = false;
                        Push(_stage.Out, batch);
                        return;
                    }
                    if (!endOfFile) continue;

                    if (_stage.StopAtEnd)
                    {
                        FinishReplay();
                        return;
                    }
                    if (!CheckFileAtEnd(out var lastOfOldFile))
                    {
                        _atEndOfFile = _file is not null;
                        if (!SignalCaughtUp()) AwaitNextPoll();
                        return;
                    }
                    if (lastOfOldFile is not null)
                    {
                        _signalledCaughtUp = false;
                        Push(_stage.Out, lastOfOldFile);
                        return;
                    }
                }
            }
            catch (Exception e) when (!_stage.StopAtEnd && e is IOException or UnauthorizedAccessException)
            {
                Report("Cannot read log file {Path}: {Error}; retrying", e.Message);
                AwaitNextPoll();
            }
            catch (Exception e)
            {
                FailStage(e);
            }
        }

        private bool TryOpen()
        {
            try
            {
                var file = TailedFile.Open(_path);
                if (_startAtEnd)
                {
                    file.Position = file.Length;
                    if (!file.IsLineStart(file.Position)) _assembler.SkipToNextLine();
                }
                _startAtEnd = false;
                _file = file;
                if (_lastProblem is not null) Log.Info("Reading log file {Path}", _path);
                _lastProblem = null;
                return true;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                if (_stage.StopAtEnd) throw new FileNotFoundException($"Log file not found: {_path}", _path, e);
                Report("Log file {Path} does not exist ({Error}); waiting for it to appear", e.Message);
                return false;
            }
            catch (Exception e) when (!_stage.StopAtEnd && e is IOException or UnauthorizedAccessException)
            {
                Report("Cannot open log file {Path}: {Error}; retrying", e.Message);
                return false;
            }
        }

        private LineBatch? ReadNext(out bool endOfFile)
        {
            var file = _file!;
            var available = file.Length - file.Position;
            if (available <= 0)
            {
                endOfFile = true;
                return null;
            }

            var readBytes = Math.Max(BatchBufferBytes - _assembler.PendingLength, MinReadBytes);
            var buffer = _assembler.NextBuffer((int)Math.Min(available, readBytes), out var readOffset);
            var read = file.Read(buffer.AsSpan(readOffset));
            endOfFile = read == 0;
            if (endOfFile) return null;
            _readSinceLastCheck = true;
            return _assembler.Split(buffer, readOffset + read);
        }

        /// <summary>Pushes the caught-up marker once per stretch at the end; false when it is off or already sent.</summary>
        private bool SignalCaughtUp()
        {
            if (!_stage.SignalCaughtUp || _signalledCaughtUp) return false;
            _signalledCaughtUp = true;
            Push(_stage.Out, LineBatch.CaughtUp);
            return true;
        }

        private void FinishReplay()
        {
            var lastLine = _assembler.Flush();
            if (lastLine is not null) Push(_stage.Out, lastLine);
            CompleteStage();
        }

        /// <summary>
        /// At end of the current file (follow mode): restart after a truncation, or switch to the file
        /// that replaced ours at the path once ours has gone quiet. True if reading should go on now;
        /// <paramref name="lastOfOldFile"/> is then the old file's unterminated last line, if any.
        /// </summary>
        private bool CheckFileAtEnd(out LineBatch? lastOfOldFile)
        {
            lastOfOldFile = null;
            var file = _file!;
            var readSinceLastCheck = _readSinceLastCheck;
            _readSinceLastCheck = false;

            if (RestartIfTruncated(file)) return true;
            if (file.Identity is null) return false;

            var atPath = FileIdentity.OfPath(_path);
            if (atPath is null)
            {
                if (!_reportedMissingPath) Log.Info("Log file {Path} was removed; draining it until a new one appears", _path);
                _reportedMissingPath = true;
                _replacementQuietSinceMs = null;
                return false;
            }
            _reportedMissingPath = false;
            if (atPath == file.Identity)
            {
                _replacementQuietSinceMs = null;
                return false;
            }

            var now = Environment.TickCount64;
            if (_replacementQuietSinceMs is null || readSinceLastCheck)
            {
                _replacementQuietSinceMs = now;
                return false;
            }
            if (now - _replacementQuietSinceMs < (long)RotationQuietPeriod.TotalMilliseconds) return false;

            lastOfOldFile = _assembler.Flush();
            file.Dispose();
            _file = null;
            _replacementQuietSinceMs = null;
            _stage.Counters.AddRotation();
            Log.Info("Log file {Path} was rotated; reading the new file from its start", _path);
            TryOpen();
            return true;
        }

        /// <summary>
        /// Shorter than our offset, or (same inode, larger) with other first bytes: truncated and written again. Read
        /// it from the start. True if it was.
        /// </summary>
        private bool RestartIfTruncated(TailedFile file)
        {
            if (file.Length >= file.Position && file.HeadUnchanged()) return false;
            Log.Info("Log file {Path} was truncated at offset {Offset}; reading it again from the start", _path, file.Position);
            file.Position = 0;
            file.ForgetHead();
            _assembler.Reset();
            _stage.Counters.AddTruncation();
            return true;
        }

        private void AwaitNextPoll() => ScheduleOnce(PollTimer, _pollInterval);

        /// <summary>Logs a problem once, not on every poll while it lasts.</summary>
        private void Report(string template, string error)
        {
            if (error == _lastProblem) return;
            _lastProblem = error;
            Log.Warning(template, _path, error);
        }
    }
}
