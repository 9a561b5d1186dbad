using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Detector.Ingest.Tail;

/// <summary>
/// Which file a path or an open handle refers to: (device, inode). .NET has no inode API, so this
/// calls libc <c>stat</c>/<c>fstat</c> (exported as plain symbols since glibc 2.33) into a buffer
/// larger than any <c>struct stat</c> and reads <c>st_dev</c> and <c>st_ino</c>, which sit at
/// offsets 0 and 8 on both x86_64 and arm64 Linux.
/// </summary>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int StatBufferBytes = 256;

    /// <summary>The file now at <paramref name="path"/>, or null if there is none (or it cannot be stat'ed).</summary>
    public static unsafe FileIdentity? OfPath(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        var buffer = stackalloc byte[StatBufferBytes];
        return LibC.Stat(path, buffer) == 0 ? Read(buffer) : null;
    }

    /// <summary>The file an open handle refers to, even after it was renamed or deleted.</summary>
    public static unsafe FileIdentity? OfHandle(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows()) return null;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = stackalloc byte[StatBufferBytes];
            return LibC.FStat((int)handle.DangerousGetHandle(), buffer) == 0 ? Read(buffer) : null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static unsafe FileIdentity Read(byte* stat) => new(*(ulong*)stat, *(ulong*)(stat + 8));

    private static unsafe partial class LibC
    {
        [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Stat(string path, byte* buffer);

        [LibraryImport("libc", EntryPoint = "fstat")]
        public static partial int FStat(int fd, byte* buffer);
    }
}
