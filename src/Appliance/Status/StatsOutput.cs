using Ristbond.Platform;

namespace Ristbond.Appliance.Status;

/// <summary>The <c>--stats-json</c> stream: one JSON object per line, to a file (appended) or to stdout ("-").</summary>
public sealed class StatsOutput : IDisposable
{
    readonly Stream _stream;
    readonly bool _ownsStream;
    static readonly byte[] s_newline = "\n"u8.ToArray();

    StatsOutput(Stream stream, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
    }

    public static StatsOutput Open(string path)
    {
        if (path == "-")
            return new StatsOutput(Console.OpenStandardOutput(), ownsStream: false);
        return new StatsOutput(OutputFile.Open(path, "--stats-json", FileMode.Append), ownsStream: true);
    }

    /// <summary>Writes one report, already serialized with <see cref="StatsJsonContext"/> (the status server gets the same bytes).</summary>
    public void Write(ReadOnlySpan<byte> reportJson)
    {
        _stream.Write(reportJson);
        _stream.Write(s_newline);
        _stream.Flush();
    }

    public void Dispose()
    {
        if (_ownsStream)
            _stream.Dispose();
    }
}
