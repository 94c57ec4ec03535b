using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>N weighted particles as one batched trace: log weights [N] and the choices of all N.</summary>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class BatchedWeightedSamples<TRet>
{
    /// <summary>Creates the result; throws when every weight is zero.</summary>
    public BatchedWeightedSamples(BatchedTrace<TRet> trace, Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(logWeights);
        Trace = trace;
        LogWeights = logWeights;
        LogEvidence = BatchedResampling.LogMeanExp(logWeights);
        if (double.IsNegativeInfinity(LogEvidence))
            throw new InferenceException($"All {logWeights.shape[0]} particle weights are zero: no particle is consistent with the observations.");
        EffectiveSampleSize = BatchedResampling.EffectiveSampleSize(logWeights);
    }

    /// <summary>The particles.</summary>
    public BatchedTrace<TRet> Trace { get; }

    /// <summary>The log importance weights [N].</summary>
    public Tensor LogWeights { get; }

    /// <summary>log of the mean weight: an unbiased estimate of the evidence, on the log scale.</summary>
    public double LogEvidence { get; }

    /// <summary>(Σw)²/Σw².</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>The normalised weights [N].</summary>
    public Tensor NormalizedWeights => (LogWeights - LogWeights.logsumexp(0)).exp();

    /// <summary>
    /// The self-normalised weighted mean of the choice at <paramref name="address"/> over particles:
    /// a tensor of the value's event shape.
    /// </summary>
    public Tensor Mean(Address address)
    {
        var v = Trace.Choices[address];
        using var ng = no_grad();
        var w = NormalizedWeights;
        var shape = new long[v.dim()];
        Array.Fill(shape, 1L);
        shape[0] = w.shape[0];
        return (v * w.reshape(shape)).sum(dim: 0);
    }

    /// <summary>The weighted mean of a scalar-per-particle choice, as a double.</summary>
    public double MeanScalar(Address address)
    {
        using var scope = NewDisposeScope();
        return Mean(address).to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>The weighted variance of a scalar-per-particle choice.</summary>
    public double VarianceScalar(Address address)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var v = Trace.Choices[address].to_type(ScalarType.Float64);
        var w = NormalizedWeights.to_type(ScalarType.Float64);
        var m = (v * w).sum();
        return ((v - m).Squared() * w).sum().item<double>();
    }
}
