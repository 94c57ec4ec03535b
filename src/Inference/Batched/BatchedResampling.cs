using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>Resampling and weight arithmetic on [N] log-weight tensors, on the weights' device.</summary>
public static class BatchedResampling
{
    /// <summary>
    /// Systematic resampling: N ancestor indices (int64, on the weights' device) from the log weights [N],
    /// with one uniform shared by all strata.
    /// </summary>
    public static Tensor Systematic(Tensor logWeights, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        ArgumentNullException.ThrowIfNull(rng);
        var n = logWeights.shape[0];
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var w = (logWeights - logWeights.logsumexp(0)).exp().to_type(ScalarType.Float64);
        var cdf = w.cumsum(0);
        var u = TensorArithmetic.Arange(n, ScalarType.Float64, logWeights.device).Plus(rng.NextDouble()).Over(n);
        // Rounding can leave the last cdf entry a hair under 1: clamp so that no index runs past N − 1.
        var idx = searchsorted(cdf, u).ClampMax(n - 1);
        return idx.MoveToOuterDisposeScope();
    }

    /// <summary>The effective sample size (Σw)²/Σw² of the log weights [N].</summary>
    public static double EffectiveSampleSize(Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var lw = logWeights.to_type(ScalarType.Float64);
        return (lw.logsumexp(0).Times(2) - lw.Times(2).logsumexp(0)).exp().item<double>();
    }

    /// <summary>log((1/N) Σ exp(log weights)), in double precision.</summary>
    public static double LogMeanExp(Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        return logWeights.to_type(ScalarType.Float64).logsumexp(0).item<double>() - Math.Log(logWeights.shape[0]);
    }
}
