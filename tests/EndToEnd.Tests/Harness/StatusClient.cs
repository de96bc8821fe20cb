using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>HTTP to ristbond's status server, as a script or a phone would talk to it.</summary>
public sealed class StatusClient(string baseAddress, string? token = null) : IDisposable
{
    readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(10) };

    public static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>An IPv4 address of this machine that is not loopback: requests from it count as "from elsewhere".</summary>
    public static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no non-loopback IPv4 address: the token tests need one to connect from");

    public HttpResponseMessage Send(HttpMethod method, string path, string? json = null, string? bearer = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if ((bearer ?? token) is string t)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t);
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return _http.Send(request);
    }

    public (HttpStatusCode Status, JsonElement Body) Get(string path, string? bearer = null, string? cookie = null) => Read(Send(HttpMethod.Get, path, null, bearer, cookie));

    public (HttpStatusCode Status, JsonElement Body) Post(string path, string json = "{}") => Read(Send(HttpMethod.Post, path, json));

    static (HttpStatusCode, JsonElement) Read(HttpResponseMessage response)
    {
        using (response)
        {
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
        }
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200 with a body satisfying <paramref name="condition"/>; returns the last body.</summary>
    public JsonElement WaitFor(string path, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        (HttpStatusCode status, JsonElement body) = (0, default);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                (status, body) = Get(path);
            }
            catch (HttpRequestException)
            {
                // ristbond is still starting: its status server listens before it streams, not before it runs.
                Thread.Sleep(200);
                continue;
            }
            if (status == HttpStatusCode.OK && condition(body))
                return body;
            Thread.Sleep(200);
        }
        throw new TimeoutException($"GET {path} never satisfied the condition within {timeout.TotalSeconds:0} s; last: {(int)status} {body}");
    }

    /// <summary>Reads /api/events until <paramref name="count"/> frames of type <paramref name="eventName"/> arrived; returns their data.</summary>
    public List<JsonElement> ReadEvents(string eventName, int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token).GetAwaiter().GetResult();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(response.Content.ReadAsStream(cancel.Token));
        var found = new List<JsonElement>();
        string? current = null;
        while (found.Count < count)
        {
            string? line = reader.ReadLineAsync(cancel.Token).AsTask().GetAwaiter().GetResult();
            if (line is null)
                break;
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                current = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == eventName)
                found.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
        }
        return found;
    }

    public void Dispose() => _http.Dispose();
}
