namespace Ristbond.Web;

/// <summary>
/// What the status server may change in the running sender: the seam between this module and the send session.
/// Calls come from request threads; implementations hand them to their own loops. Refusals are
/// <see cref="Platform.RistbondException"/>s whose message the client gets.
/// </summary>
public interface IStreamControl
{
    /// <summary>False stops sending the input (links, control loop and this server stay up); true resumes.</summary>
    void SetStreaming(bool streaming);

    /// <summary>New range for the recommended encoder bitrate, applied by the control loop at its next tick; null keeps that end.</summary>
    void SetBitrateLimits(long? minBps, long? maxBps);
}
