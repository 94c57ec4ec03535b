using Ppl.Inference.Diagnostics;

namespace Ppl.Inference.Batched;

/// <summary>The draws of <see cref="ManyChainHmc"/>: [draw][chain][dimension] in double precision on the CPU.</summary>
public sealed class ManyChainHmcResult
{
    internal ManyChainHmcResult(double[][][] draws, double[] stepSizes, double trajectoryLength, long leapfrogSteps, double acceptRate,
        int divergences, TimeSpan warmupTime, TimeSpan samplingTime)
    {
        Draws = draws;
        StepSizes = stepSizes;
        TrajectoryLength = trajectoryLength;
        LeapfrogSteps = leapfrogSteps;
        AcceptRate = acceptRate;
        Divergences = divergences;
        WarmupTime = warmupTime;
        SamplingTime = samplingTime;
    }

    /// <summary>The kept draws, indexed [draw][chain][dimension].</summary>
    public double[][][] Draws { get; }

    /// <summary>The number of chains.</summary>
    public int Chains => Draws.Length == 0 ? 0 : Draws[0].Length;

    /// <summary>The dimension.</summary>
    public int Dimension => Draws.Length == 0 ? 0 : Draws[0][0].Length;

    /// <summary>The adapted step size of each chain (all equal for the shared schemes).</summary>
    public IReadOnlyList<double> StepSizes { get; }

    /// <summary>The adapted trajectory length (step size × leapfrog steps for the fixed-length schemes).</summary>
    public double TrajectoryLength { get; }

    /// <summary>Leapfrog steps (gradient evaluations) per chain during sampling.</summary>
    public long LeapfrogSteps { get; }

    /// <summary>The mean Metropolis acceptance probability during sampling.</summary>
    public double AcceptRate { get; }

    /// <summary>Transitions during sampling whose energy error exceeded 1000.</summary>
    public int Divergences { get; }

    /// <summary>Wall time of the warm-up.</summary>
    public TimeSpan WarmupTime { get; }

    /// <summary>Wall time of the sampling phase.</summary>
    public TimeSpan SamplingTime { get; }

    /// <summary>The draws of one dimension as [chain][draw], the layout the convergence diagnostics take.</summary>
    public double[][] Parameter(int dimension)
    {
        var r = new double[Chains][];
        for (var c = 0; c < Chains; c++)
        {
            r[c] = new double[Draws.Length];
            for (var i = 0; i < Draws.Length; i++) r[c][i] = Draws[i][c][dimension];
        }
        return r;
    }

    /// <summary>The bulk ESS of each dimension (rank-normalised split-chain ESS over all chains).</summary>
    public double[] EssBulk() => Enumerable.Range(0, Dimension).Select(d => ConvergenceDiagnostics.EssBulk(Parameter(d))).ToArray();

    /// <summary>The posterior mean of each dimension over all chains and draws.</summary>
    public double[] Mean() => Enumerable.Range(0, Dimension).Select(d => Draws.Average(x => x.Average(c => c[d]))).ToArray();
}
