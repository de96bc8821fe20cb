namespace Ristbond.Bench.Adapt;

/// <summary>What feeds the baseline's ristsender over UDP: the test stream at its fixed rate, or the pattern clip played by its PCRs.</summary>
public interface IBaselineInput : IDisposable
{
    void Start();

    /// <summary>The end of the scenario: the baseline's encoder stops.</summary>
    void Stop();
}
