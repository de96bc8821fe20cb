using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Web;

/// <summary>
/// The routes, every one a plain <see cref="RequestDelegate"/> (nothing for a runtime code generator to do):
/// <code>
/// GET  /                   the page (app.js, app.css beside it)
/// GET  /api/status         t, streaming, bitrate_bps, recommended_bitrate_bps, min/max_bitrate_bps, totals
/// GET  /api/links          the report's links
/// GET  /api/modems         [{"link":…, modem fields…}] for links that are modems
/// GET  /api/encoder        the report's encoder object, with the bitrate, recommendation and limits
/// GET  /api/events         Server-Sent Events, see <see cref="EventStream"/>
/// POST /api/stream/stop    stop sending the input; /api/stream/start resumes
/// POST /api/bitrate        {"min_bitrate_bps":N,"max_bitrate_bps":N}, either may be left out
/// </code>
/// POSTs must say <c>Content-Type: application/json</c>: a browser cannot send that cross-site without asking
/// first (a preflight this server never grants), so another site cannot stop the stream through a visitor's browser.
/// </summary>
static class StatusRoutes
{
    /// <summary>The range a bitrate limit may be set in: below, no video encoder is usable; above, no cellular uplink.</summary>
    public const long LowestLimitBps = 100_000, HighestLimitBps = 1_000_000_000;

    static readonly string[] s_statusFields = ["t", "streaming", "bitrate_bps", "recommended_bitrate_bps", "min_bitrate_bps", "max_bitrate_bps", "totals"];
    static readonly string[] s_encoderFields = ["bitrate_bps", "recommended_bitrate_bps", "min_bitrate_bps", "max_bitrate_bps", "streaming"];

    public static void Map(WebApplication app, StatusServer server)
    {
        app.MapGet("/", (RequestDelegate)(c => Asset(c, "index.html", "text/html; charset=utf-8")));
        app.MapGet("/app.js", (RequestDelegate)(c => Asset(c, "app.js", "text/javascript; charset=utf-8")));
        app.MapGet("/app.css", (RequestDelegate)(c => Asset(c, "app.css", "text/css; charset=utf-8")));
        app.MapGet("/api/status", (RequestDelegate)(c => FromReport(c, server, Status)));
        app.MapGet("/api/links", (RequestDelegate)(c => FromReport(c, server, Links)));
        app.MapGet("/api/modems", (RequestDelegate)(c => FromReport(c, server, Modems)));
        app.MapGet("/api/encoder", (RequestDelegate)(c => FromReport(c, server, Encoder)));
        app.MapGet("/api/events", (RequestDelegate)(c => Events(c, server)));
        app.MapPost("/api/stream/start", (RequestDelegate)(c => SetStreaming(c, server, true)));
        app.MapPost("/api/stream/stop", (RequestDelegate)(c => SetStreaming(c, server, false)));
        app.MapPost("/api/bitrate", (RequestDelegate)(c => SetBitrateLimits(c, server)));
        app.MapFallback((RequestDelegate)(c => WriteError(c, StatusCodes.Status404NotFound, $"no such endpoint: {c.Request.Method} {c.Request.Path}")));
    }

    // ── reading ────────────────────────────────────────────────────────────────────────────────────────────────

    static async Task FromReport(HttpContext context, StatusServer server, Action<Utf8JsonWriter, JsonElement> write)
    {
        if (server.Latest is not StatusSnapshot snapshot)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteError(context, StatusCodes.Status503ServiceUnavailable, "no stats report yet: the first comes a second after start");
            return;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(snapshot.Json.Length);
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer, snapshot.Root);
        await WriteJson(context, StatusCodes.Status200OK, buffer.WrittenMemory);
    }

    static void Status(Utf8JsonWriter writer, JsonElement report)
    {
        writer.WriteStartObject();
        CopyFields(writer, report, s_statusFields, null);
        writer.WriteEndObject();
    }

    static void Links(Utf8JsonWriter writer, JsonElement report)
    {
        if (report.TryGetProperty("links", out JsonElement links) && links.ValueKind == JsonValueKind.Array)
            links.WriteTo(writer);
        else
            writer.WriteRawValue("[]"u8);
    }

    static void Modems(Utf8JsonWriter writer, JsonElement report)
    {
        writer.WriteStartArray();
        if (report.TryGetProperty("links", out JsonElement links) && links.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement link in links.EnumerateArray())
            {
                if (!link.TryGetProperty("modem", out JsonElement modem) || modem.ValueKind != JsonValueKind.Object)
                    continue;
                writer.WriteStartObject();
                if (link.TryGetProperty("name", out JsonElement name))
                    writer.WriteString("link", name.GetString());
                foreach (JsonProperty field in modem.EnumerateObject())
                    field.WriteTo(writer);
                writer.WriteEndObject();
            }
        }
        writer.WriteEndArray();
    }

    /// <summary>The encoder object as the report has it (whatever the video module puts there), plus what the control loop says about its bitrate.</summary>
    static void Encoder(Utf8JsonWriter writer, JsonElement report)
    {
        writer.WriteStartObject();
        HashSet<string> written = [];
        if (report.TryGetProperty("encoder", out JsonElement encoder) && encoder.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty field in encoder.EnumerateObject())
            {
                if (written.Add(field.Name))
                    field.WriteTo(writer);
            }
        }
        CopyFields(writer, report, s_encoderFields, written);
        writer.WriteEndObject();
    }

    static void CopyFields(Utf8JsonWriter writer, JsonElement from, string[] names, HashSet<string>? skip)
    {
        foreach (string name in names)
        {
            if (skip?.Contains(name) != true && from.TryGetProperty(name, out JsonElement value))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }
    }

    static async Task Events(HttpContext context, StatusServer server)
    {
        if (server.Events.Subscribe() is not { } client)
        {
            await WriteError(context, StatusCodes.Status503ServiceUnavailable, $"already {EventStream.MaxClients} event streams open");
            return;
        }
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
        try
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.WriteAsync(EventStream.Hello, cancel.Token);
            if (server.Latest is StatusSnapshot latest)
                await context.Response.Body.WriteAsync(EventStream.Frames(latest, null), cancel.Token);
            await context.Response.Body.FlushAsync(cancel.Token);
            await foreach (byte[] block in client.Reader.ReadAllAsync(cancel.Token))
            {
                await context.Response.Body.WriteAsync(block, cancel.Token);
                await context.Response.Body.FlushAsync(cancel.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away or the server is stopping: the stream just ends.
        }
        finally
        {
            server.Events.Unsubscribe(client);
        }
    }

    // ── controls ───────────────────────────────────────────────────────────────────────────────────────────────

    static async Task SetStreaming(HttpContext context, StatusServer server, bool streaming)
    {
        if (!await IsJsonRequest(context))
            return;
        try
        {
            server.Control.SetStreaming(streaming);
        }
        catch (RistbondException e)
        {
            await WriteError(context, StatusCodes.Status409Conflict, e.Message);
            return;
        }
        server.Log.LogInformation("status: {Remote} {Action} streaming", context.Connection.RemoteIpAddress, streaming ? "started" : "stopped");
        await WriteJson(context, StatusCodes.Status200OK, new ControlResponse { Streaming = streaming });
    }

    static async Task SetBitrateLimits(HttpContext context, StatusServer server)
    {
        if (!await IsJsonRequest(context))
            return;
        BitrateLimitsRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, WebJsonContext.Default.BitrateLimitsRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, $"body: {e.Message}");
            return;
        }
        if (request is null || (request.MinBitrateBps is null && request.MaxBitrateBps is null))
        {
            await WriteError(context, StatusCodes.Status400BadRequest, "body: give min_bitrate_bps, max_bitrate_bps or both (bits per second)");
            return;
        }
        if (CheckLimits(request, server.Latest) is string problem)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, problem);
            return;
        }
        try
        {
            server.Control.SetBitrateLimits(request.MinBitrateBps, request.MaxBitrateBps);
        }
        catch (RistbondException e)
        {
            await WriteError(context, StatusCodes.Status409Conflict, e.Message);
            return;
        }
        server.Log.LogInformation("status: {Remote} set bitrate limits {Min} .. {Max}", context.Connection.RemoteIpAddress,
            request.MinBitrateBps is long min ? Units.FormatBitrate(min) : "(unchanged)", request.MaxBitrateBps is long max ? Units.FormatBitrate(max) : "(unchanged)");
        // Applied at the control loop's next tick: the next report shows it.
        await WriteJson(context, StatusCodes.Status202Accepted, new ControlResponse { MinBitrateBps = request.MinBitrateBps, MaxBitrateBps = request.MaxBitrateBps });
    }

    /// <summary>What is wrong with the asked-for limits, against the ones in force; null when they can be applied.</summary>
    public static string? CheckLimits(BitrateLimitsRequest request, StatusSnapshot? current)
    {
        foreach ((string name, long? value) in new[] { ("min_bitrate_bps", request.MinBitrateBps), ("max_bitrate_bps", request.MaxBitrateBps) })
        {
            if (value is long bps and (< LowestLimitBps or > HighestLimitBps))
                return $"{name} {bps} is outside {Units.FormatBitrate(LowestLimitBps)} .. {Units.FormatBitrate(HighestLimitBps)}";
        }
        double? min = request.MinBitrateBps ?? current?.Number("min_bitrate_bps");
        double? max = request.MaxBitrateBps ?? current?.Number("max_bitrate_bps");
        if (min > max)
            return $"min_bitrate_bps {Units.FormatBitrate(min.Value)} is above max_bitrate_bps {Units.FormatBitrate(max.Value)}";
        return null;
    }

    static async Task<bool> IsJsonRequest(HttpContext context)
    {
        if (context.Request.HasJsonContentType())
            return true;
        await WriteError(context, StatusCodes.Status415UnsupportedMediaType, "send Content-Type: application/json");
        return false;
    }

    // ── writing ────────────────────────────────────────────────────────────────────────────────────────────────

    public static Task WriteError(HttpContext context, int status, string message) =>
        WriteJson(context, status, JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(message), WebJsonContext.Default.ErrorResponse));

    static Task WriteJson(HttpContext context, int status, ControlResponse response) =>
        WriteJson(context, status, JsonSerializer.SerializeToUtf8Bytes(response, WebJsonContext.Default.ControlResponse));

    static async Task WriteJson(HttpContext context, int status, ReadOnlyMemory<byte> json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    static async Task Asset(HttpContext context, string name, string contentType)
    {
        byte[] body = s_assets.GetOrAdd(name, LoadAsset);
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        // Everything the page uses comes from here: no other origin, no inline script.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> s_assets = new();

    static byte[] LoadAsset(string name)
    {
        using Stream stream = typeof(StatusRoutes).Assembly.GetManifestResourceStream("page/" + name)
            ?? throw new InvalidOperationException($"the page asset {name} is not embedded in {typeof(StatusRoutes).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
