using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Web;

/// <summary>
/// The status API and web page of a running sender: Kestrel on one address, the token check in front of every
/// request, the routes of <see cref="StatusRoutes"/> behind it. The appliance hands it each stats report
/// (<see cref="Publish"/>) and an <see cref="IStreamControl"/> for the controls; nothing else crosses the seam.
/// Started before anything streams, so a port in use is a one-line error, not a half-started service.
/// </summary>
public sealed class StatusServer : IDisposable
{
    /// <summary>Requests are small JSON objects; a larger body is a mistake.</summary>
    const long MaxRequestBodyBytes = 4096;
    static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(1);
    /// <summary>How often the refusal summaries are looked at: each address still gets at most one line per minute.</summary>
    static readonly TimeSpan s_refusalSweepEvery = TimeSpan.FromSeconds(10);

    readonly WebApplication _app;
    readonly ILogger _log;
    readonly RefusalLogLimiter _refusals;
    readonly ITimer _refusalSweep;
    StatusSnapshot? _latest;

    StatusServer(WebApplication app, StatusListenOptions options, IStreamControl control, ILogger log, TimeProvider time)
    {
        _app = app;
        _log = log;
        _refusals = new RefusalLogLimiter(time);
        _refusalSweep = time.CreateTimer(_ => LogRefusalSummaries(), null, s_refusalSweepEvery, s_refusalSweepEvery);
        Options = options;
        Access = new StatusAccess(options.Token);
        Control = control;
    }

    public StatusListenOptions Options { get; }
    internal StatusAccess Access { get; }
    internal IStreamControl Control { get; }
    internal ILogger Log => _log;
    internal EventStream Events { get; } = new();
    internal CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The latest report, null before the first.</summary>
    public StatusSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Starts listening; a port in use or an address not on this machine is a <see cref="RistbondException"/> naming it.</summary>
    public static StatusServer Start(StatusListenOptions options, IStreamControl control, ILogger log, TimeProvider? time = null)
    {
        // The empty builder, not the slim one: no configuration files or environment variables to surprise a
        // service, no HTTPS or HTTP/2 this server never uses; Kestrel and routing are added by hand below.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ApplicationName = "ristbond" });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        // ristbond logs one line per event through its own logger; ASP.NET's own chatter stays out unless it is a problem.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var forwarder = new ForwardingLoggerProvider(log);
        builder.Logging.AddProvider(forwarder);
        // The send session owns SIGINT/SIGTERM: the host must not stop itself on them.
        builder.Services.AddSingleton<IHostLifetime, SessionLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = 64;
            kestrel.Listen(options.Endpoint);
        });
        WebApplication app = builder.Build();
        var server = new StatusServer(app, options, control, log, time ?? TimeProvider.System);
        app.Use(server.CheckAccess);
        StatusRoutes.Map(app, server);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            server._refusalSweep.Dispose();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            string why = e.InnerException switch
            {
                AddressInUseException => "address already in use",
                { } inner => inner.Message,
                null => e.Message,
            };
            throw new RistbondException($"{StatusListenOptions.ListenOption} {options.Text}: cannot listen: {why}", ExitCodes.RuntimeFailure, e);
        }
        forwarder.Started();
        log.LogInformation(options.Token is null
            ? "status: http://{Address}/ (this machine only)"
            : "status: http://{Address}/ (from other machines with the token: open /?token=… once, or send Authorization: Bearer …)",
            options.Endpoint);
        return server;
    }

    /// <summary>Takes the report the control loop just published (its thread; once a second) and feeds the event stream.</summary>
    public void Publish(byte[] reportJson)
    {
        StatusSnapshot current = StatusSnapshot.Parse(reportJson);
        StatusSnapshot? previous = Interlocked.Exchange(ref _latest, current);
        Events.Publish(current, previous);
    }

    async Task CheckAccess(HttpContext context, RequestDelegate next)
    {
        IPAddress? remote = context.Connection.RemoteIpAddress;
        string? cookie = context.Request.Cookies[StatusAccess.CookieName];
        AccessVerdict verdict = Access.Check(remote, context.Request.Headers.Authorization, cookie);
        if (verdict is AccessVerdict.Local or AccessVerdict.Token)
        {
            await next(context);
            return;
        }
        // The page opened as /?token=…: keep the token in a cookie and take it out of the address bar.
        if (verdict == AccessVerdict.NoToken && context.Request.Method == HttpMethods.Get && context.Request.Path == "/"
            && context.Request.Query["token"] is [string offered])
        {
            if (Access.Matches(offered))
            {
                context.Response.Cookies.Append(StatusAccess.CookieName, offered, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Path = "/",
                    MaxAge = TimeSpan.FromDays(30),
                });
                context.Response.Redirect("/");
                return;
            }
            verdict = AccessVerdict.WrongToken;
        }
        // Path only: a query string may hold the token. A scanner's further refusals are counted, not each logged.
        switch (_refusals.Refused(remote ?? IPAddress.None))
        {
            case { IsSummary: false }:
                _log.LogWarning("status: refused {Method} {Path} from {Remote}: {Why} (further refusals from it are summarized once a minute)",
                    context.Request.Method, context.Request.Path.Value, remote, verdict == AccessVerdict.WrongToken ? "wrong token" : "no token");
                break;
            case RefusalLine summary:
                _log.LogWarning("{Summary}", summary.Summary(RefusalLogLimiter.Interval));
                break;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await StatusRoutes.WriteError(context, StatusCodes.Status401Unauthorized,
            verdict == AccessVerdict.WrongToken ? "wrong token" : "a token is needed from other machines: open /?token=TOKEN or send Authorization: Bearer TOKEN");
    }

    void LogRefusalSummaries()
    {
        foreach (RefusalLine summary in _refusals.Sweep())
            _log.LogWarning("{Summary}", summary.Summary(RefusalLogLimiter.Interval));
    }

    public void Dispose()
    {
        _refusalSweep.Dispose();
        Events.Complete();
        try
        {
            _app.StopAsync(s_stopTimeout).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Connections still open after the timeout are cut: the process is ending.
        }
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A host lifetime that waits for nothing and listens to no signal: the send session decides when to stop.</summary>
    sealed class SessionLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
