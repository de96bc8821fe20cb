using System.Runtime.ExceptionServices;
using Ristbond.Platform;

namespace Ristbond.Video;

// A bitrate change reopens x265 (see X265Encoder.Parameters.cs), and x265_encoder_open plus x265_encoder_close cost
// tens to hundreds of milliseconds (thread pool, lookahead and frame buffers): several frames at 30 fps, right when
// the links are short. So the replacement is opened on a helper thread while the current encoder keeps encoding,
// and the frame thread swaps it in at the next frame boundary once it is ready; its first frame is an IDR.
// The retired encoder is closed off the frame thread too.
//
// The frame thread owns every field here. Handoff is through the Task: IsCompleted is a lock-free read, and the
// task's completion publishes the opened encoder. At most one open is in flight; a target that changes meanwhile is
// taken up when it lands (the landed encoder is used if it is still a step the right way, and a new open starts for
// the newer target), so requests never pile up.
public sealed unsafe partial class X265Encoder
{
    /// <summary>
    /// One opened x265 encoder and its own parameters: x265_encoder_open writes its final parameters back into the
    /// x265_param, and the encoder's threads may read it until it is closed, so two encoders never share one.
    /// </summary>
    sealed class OpenedEncoder : IDisposable
    {
        OpenedEncoder(X265ParamHandle param, X265EncoderHandle handle, long bitrate)
        {
            Param = param;
            Handle = handle;
            Bitrate = bitrate;
        }

        public X265ParamHandle Param { get; }

        public X265EncoderHandle Handle { get; }

        public long Bitrate { get; }

        /// <summary>Opens x265 at <paramref name="bitsPerSecond"/>; <paramref name="reopening"/> words the error for a change while streaming.</summary>
        public static OpenedEncoder Open(VideoFormat format, X265EncoderOptions options, long bitsPerSecond, bool reopening)
        {
            X265ParamHandle param = CreateParameters(format, options, bitsPerSecond);
            X265EncoderHandle handle = Interop.X265.x265_encoder_open(param);
            if (!handle.IsInvalid)
                return new OpenedEncoder(param, handle, bitsPerSecond);
            handle.Dispose();
            param.Dispose();
            throw reopening
                ? new RistbondException($"Could not reopen the x265 encoder at {bitsPerSecond} bit/s: x265 refused the parameters", ExitCodes.RuntimeFailure)
                : new RistbondException(
                    $"Could not open the x265 encoder for {format} at {bitsPerSecond} bit/s (preset {options.Preset}): x265 refused the parameters",
                    ExitCodes.BadInput);
        }

        public void Dispose()
        {
            // The encoder first: closing it joins its worker threads, which may still read the parameters.
            Handle.Dispose();
            Param.Dispose();
        }
    }

    OpenedEncoder _current;
    Task<OpenedEncoder>? _opening;       // the one replacement being opened on a helper thread
    OpenedEncoder? _ready;               // opened for a change that waits for a keyframe
    Task _closing = Task.CompletedTask;  // retired encoders, closed one after another off the frame thread

    /// <summary>The bitrate the encoder producing frames now was opened at. Read it on the encoding thread.</summary>
    public long AppliedBitrate => _current.Bitrate;

    /// <summary>
    /// A replacement is being opened for a bitrate change; it is swapped in at the first frame after it lands (a
    /// drop) or at the next keyframe. Read it on the encoding thread: tests wait on it to know which frame swaps.
    /// </summary>
    public bool IsReopening => _opening is { IsCompleted: false };

    /// <summary>
    /// On the frame thread, before a frame: swaps in a replacement opened at the requested bitrate when it is ready and
    /// the change is a drop large enough to pay for an IDR now, or this frame is a keyframe anyway; starts opening one
    /// when the request differs from what runs. Never waits. Returns true if it swapped (the frame is an IDR).
    /// </summary>
    bool ApplyRequestedBitrate(bool keyframeForced)
    {
        long requested = Volatile.Read(ref _targetBitrate);
        if (_opening is { IsCompleted: true } landed)
        {
            _opening = null;
            if (!landed.IsCompletedSuccessfully)
                ExceptionDispatchInfo.Throw(landed.Exception!.InnerException!);
            _ready = landed.Result;
        }

        bool swapped = false;
        if (_ready is OpenedEncoder ready)
        {
            bool keyframeDue = keyframeForced || _framesSinceKeyframe >= _keyframeInterval;
            if ((IsLargeDrop(ready.Bitrate) && IsLargeDrop(requested)) || (keyframeDue && ready.Bitrate == requested))
            {
                Close(_current);
                _current = ready;
                swapped = true;
            }
            else if (ready.Bitrate != requested)
            {
                // Outdated and not worth an IDR of its own: open again for what is asked now.
                Close(ready);
            }
            else
            {
                return false; // waits for the keyframe
            }
            _ready = null;
        }

        if (_opening is null && requested != _current.Bitrate)
            _opening = StartOpening(requested);
        return swapped;
    }

    bool IsLargeDrop(long bitsPerSecond) => bitsPerSecond < _current.Bitrate * ImmediateDropRatio;

    Task<OpenedEncoder> StartOpening(long bitsPerSecond) =>
        // LongRunning: a thread of its own, so a busy thread pool cannot hold the replacement back.
        Task.Factory.StartNew(
            static state =>
            {
                var (encoder, bitrate) = ((X265Encoder, long))state!;
                return OpenedEncoder.Open(encoder.Format, encoder._options, bitrate, reopening: true);
            },
            (this, bitsPerSecond), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    void Close(OpenedEncoder retired) =>
        // Zero latency: a retired encoder holds no delayed frame, so nothing is lost by closing it.
        _closing = _closing.ContinueWith(static (_, state) => ((OpenedEncoder)state!).Dispose(), retired,
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>At dispose: waits for an open in flight and the closes queued, and closes everything still open.</summary>
    void CloseAll()
    {
        if (_opening is not null)
        {
            try
            {
                _opening.Wait();
            }
            catch (AggregateException)
            {
                // An open that failed has nothing to close, and its error no longer matters.
            }
            if (_opening.IsCompletedSuccessfully)
                _opening.Result.Dispose();
            _opening = null;
        }
        _ready?.Dispose();
        _ready = null;
        _current.Dispose();
        _closing.Wait();
    }
}
