using System.Text.Json;
using Ristbond.Platform;

namespace Ristbond.Appliance.Status;

/// <summary>The <c>--stats-json</c> stream: one JSON object per line, to a file (appended) or to stdout ("-").</summary>
public sealed class StatsOutput : IDisposable
{
    readonly Stream _stream;
    readonly bool _ownsStream;
    readonly Utf8JsonWriter _writer;
    static readonly byte[] s_newline = "\n"u8.ToArray();

    StatsOutput(Stream stream, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _writer = new Utf8JsonWriter(stream);
    }

    public static StatsOutput Open(string path)
    {
        if (path == "-")
            return new StatsOutput(Console.OpenStandardOutput(), ownsStream: false);
        return new StatsOutput(OutputFile.Open(path, "--stats-json", FileMode.Append), ownsStream: true);
    }

    public void Write(StatsReport report)
    {
        JsonSerializer.Serialize(_writer, report, StatsJsonContext.Default.StatsReport);
        _writer.Flush();
        _writer.Reset();
        _stream.Write(s_newline);
        _stream.Flush();
    }

    public void Dispose()
    {
        _writer.Dispose();
        if (_ownsStream)
            _stream.Dispose();
    }
}
