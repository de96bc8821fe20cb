namespace Ristbond.LinkEmulator.Tests;

/// <summary>The pure model, driven with made-up times: exact arithmetic, no sockets, no clock.</summary>
public sealed class ImpairmentModelTests
{
    const long Ms = 1_000_000;

    static ImpairmentModel Model(DirectionProfile profile, ulong seed = 1, string link = "a", Direction direction = Direction.Up) =>
        new(profile, seed, link, direction);

    [Fact]
    public void Serialization_follows_the_rate_and_counts_ip_headers()
    {
        var model = Model(new DirectionProfile { RateBps = 1_000_000, DelayMs = 10 });
        // 972 + 28 = 1000 bytes = 8 ms at 1 Mbit/s; three back-to-back arrivals at t = 0.
        long[] departures = new long[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(PacketFate.Forward, model.Admit(0, 972, blackout: false, noRoom: false, out departures[i]));
        }
        Assert.Equal([18 * Ms, 26 * Ms, 34 * Ms], departures);
        Assert.Equal(24.0, model.QueueDelayMs(0), 9);
    }

    [Fact]
    public void The_default_queue_holds_250_ms_and_tail_drops_beyond()
    {
        var model = Model(new DirectionProfile { RateBps = 8_000_000 });      // 1000-byte packets: 1 ms each
        int forwarded = 0, dropped = 0;
        long lastDeparture = 0;
        for (int i = 0; i < 1000; i++)                                        // 1000 packets at t = 0: 1 s of work
        {
            PacketFate fate = model.Admit(0, 972, false, false, out long departure);
            if (fate == PacketFate.Forward)
            {
                forwarded++;
                lastDeparture = departure;
            }
            else
            {
                Assert.Equal(PacketFate.DroppedQueue, fate);
                dropped++;
            }
        }
        Assert.Equal(250, forwarded);                                         // 250 000 bytes = 250 ms at 8 Mbit/s
        Assert.Equal(250 * Ms, lastDeparture);
        // Once the serializer has moved on, there is room again.
        Assert.Equal(PacketFate.Forward, model.Admit(100 * Ms, 972, false, false, out _));
    }

    [Fact]
    public void The_queue_limit_follows_rate_changes_and_explicit_limits()
    {
        Assert.Equal(62_500, new DirectionProfile { RateBps = 2_000_000 }.QueueLimitBytes);
        Assert.Equal(25_000, new DirectionProfile { RateBps = 2_000_000, QueueMs = 100 }.QueueLimitBytes);
        Assert.Equal(9_000, new DirectionProfile { RateBps = 2_000_000, QueueBytes = 9_000 }.QueueLimitBytes);
        Assert.Equal(long.MaxValue, new DirectionProfile().QueueLimitBytes);
    }

    [Fact]
    public void An_idle_link_takes_a_packet_larger_than_its_queue()
    {
        var model = Model(new DirectionProfile { RateBps = 1_000_000, QueueBytes = 100 });
        Assert.Equal(PacketFate.Forward, model.Admit(0, 1000, false, false, out _));
        Assert.Equal(PacketFate.DroppedQueue, model.Admit(0, 1000, false, false, out _));
    }

    [Fact]
    public void Jitter_never_reorders_and_stays_within_its_bounds()
    {
        var model = Model(new DirectionProfile { DelayMs = 30, JitterMs = 20 });
        long previous = long.MinValue;
        for (int i = 0; i < 10_000; i++)
        {
            long now = i * Ms / 2;                                            // 0.5 ms apart
            model.Admit(now, 100, false, false, out long departure);
            Assert.True(departure >= previous);
            Assert.InRange(departure - now, 10 * Ms, 50 * Ms);
            previous = departure;
        }
    }

    [Fact]
    public void Jitter_is_uniform_and_clipped_at_zero()
    {
        var model = Model(new DirectionProfile { DelayMs = 5, JitterMs = 10 });
        int zero = 0;
        for (int i = 0; i < 10_000; i++)
        {
            long now = i * 100 * Ms;                                          // far apart: no holding back
            model.Admit(now, 100, false, false, out long departure);
            Assert.InRange(departure - now, 0, 15 * Ms);
            if (departure == now)
                zero++;
        }
        // U(−5, +15) ms is below zero a quarter of the time.
        Assert.InRange(zero, 2250, 2750);
    }

    [Fact]
    public void Fates_depend_only_on_seed_link_direction_and_packet_index()
    {
        var profile = new DirectionProfile { Loss = 0.1, Burst = new GilbertElliott(0.05, 0.3) };
        bool[] Fates(ulong seed, string link, Direction direction, bool withBlackouts)
        {
            var model = Model(profile, seed, link, direction);
            var fates = new bool[5000];
            for (int i = 0; i < fates.Length; i++)
            {
                // A blackout swallowing some packets must not shift the draws of the ones after it.
                bool blackout = withBlackouts && i % 100 < 10;
                fates[i] = model.Admit(i * Ms, 100, blackout, false, out _) == PacketFate.Lost;
            }
            return fates;
        }
        bool[] reference = Fates(7, "a", Direction.Up, false);
        Assert.Equal(reference, Fates(7, "a", Direction.Up, false));
        Assert.NotEqual(reference, Fates(8, "a", Direction.Up, false));
        Assert.NotEqual(reference, Fates(7, "b", Direction.Up, false));
        Assert.NotEqual(reference, Fates(7, "a", Direction.Down, false));
        bool[] withBlackouts = Fates(7, "a", Direction.Up, true);
        for (int i = 0; i < reference.Length; i++)
        {
            if (i % 100 >= 10)
                Assert.Equal(reference[i], withBlackouts[i]);
        }
    }

    [Fact]
    public void Gilbert_elliott_converges_to_its_stationary_loss()
    {
        var ge = new GilbertElliott(P: 0.02, R: 0.1, LossGood: 0.01, LossBad: 0.8);
        var model = Model(new DirectionProfile { Burst = ge });
        const int n = 200_000;
        int lost = 0;
        for (int i = 0; i < n; i++)
        {
            if (model.Admit(i, 100, false, false, out _) == PacketFate.Lost)
                lost++;
        }
        // (0.02·0.8 + 0.1·0.01)/0.12 = 14.17 %.
        Assert.Equal(0.141667, ge.MeanLoss, 5);
        Assert.InRange((double)lost / n, ge.MeanLoss - 0.01, ge.MeanLoss + 0.01);
    }

    [Fact]
    public void A_profile_change_applies_to_later_arrivals_only()
    {
        var model = Model(new DirectionProfile { DelayMs = 100 });
        model.Admit(0, 100, false, false, out long first);
        model.Profile = new DirectionProfile { DelayMs = 10 };
        model.Admit(1 * Ms, 100, false, false, out long second);
        Assert.Equal(100 * Ms, first);
        Assert.Equal(100 * Ms, second);                                        // held behind the first: no reordering
        model.Admit(200 * Ms, 100, false, false, out long third);
        Assert.Equal(210 * Ms, third);
    }

    [Fact]
    public void Blackout_and_overflow_are_reported_as_such()
    {
        var model = Model(new DirectionProfile());
        Assert.Equal(PacketFate.DroppedBlackout, model.Admit(0, 100, blackout: true, noRoom: false, out _));
        Assert.Equal(PacketFate.DroppedOther, model.Admit(0, 100, blackout: false, noRoom: true, out _));
    }
}

public sealed class DelayLineTests
{
    [Fact]
    public void Datagrams_come_out_in_order_across_the_arena_wrap()
    {
        var line = new DelayLine(arenaBytes: 1024, slots: 8);
        byte[] datagram = new byte[300];
        int next = 0;
        for (int round = 0; round < 100; round++)
        {
            // Three 300-byte datagrams fit in 1024 bytes; the fourth must wait.
            for (int i = 0; i < 3; i++)
            {
                Assert.True(line.HasRoom(datagram.Length));
                datagram[0] = (byte)(next + i);
                line.Enqueue(datagram, departureNanos: next + i);
            }
            Assert.False(line.HasRoom(datagram.Length));
            for (int i = 0; i < 3; i++)
            {
                Assert.True(line.TryPeek(out long departure));
                Assert.Equal(next + i, departure);
                Assert.Equal((byte)(next + i), line.PeekDatagram()[0]);
                Assert.Equal(300, line.PeekDatagram().Length);
                line.Dequeue();
            }
            next += 3;
            Assert.False(line.TryPeek(out _));
        }
    }

    [Fact]
    public void The_slot_count_bounds_the_packets_in_flight()
    {
        var line = new DelayLine(arenaBytes: 1 << 16, slots: 4);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(line.HasRoom(10));
            line.Enqueue(new byte[10], i);
        }
        Assert.False(line.HasRoom(10));
        Assert.Equal(4, line.Count);
        Assert.False(line.HasRoom(1 << 17));
    }
}
