using Detector.Ingest.Tail;

namespace Detector.Tests.Ingest.Tail;

public sealed class LogTailFileIdentityTests
{
    [Fact]
    public void Path_and_open_handle_agree_until_the_path_is_replaced()
    {
        var dir = Directory.CreateTempSubdirectory("logtail-id-").FullName;
        try
        {
            var path = Path.Combine(dir, "access.log");
            File.WriteAllText(path, "x\n");
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var opened = FileIdentity.OfHandle(handle);

            Assert.NotNull(opened);
            Assert.Equal(opened, FileIdentity.OfPath(path));

            File.Move(path, path + ".1");
            File.WriteAllText(path, "y\n");

            Assert.Equal(opened, FileIdentity.OfPath(path + ".1"));
            Assert.Equal(opened, FileIdentity.OfHandle(handle));
            Assert.NotEqual(opened, FileIdentity.OfPath(path));
            Assert.Null(FileIdentity.OfPath(Path.Combine(dir, "missing.log")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
