using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// An exponential moving average of the continuation's past values. Its value at a use depends only on
/// earlier estimates, never on the current draw, so the estimator stays unbiased.
/// </summary>
public sealed class RunningAverageBaseline : Baseline
{
    private double? _average;
    private readonly object _gate = new();

    /// <summary>Creates the baseline; <paramref name="decay"/> in [0, 1) weights the old average.</summary>
    public RunningAverageBaseline(double decay)
    {
        if (decay is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1).");
        Decay = decay;
    }

    /// <summary>The weight of the old average.</summary>
    public double Decay { get; }

    /// <summary>The current average (0 before the first use).</summary>
    public double Average
    {
        get { lock (_gate) return _average ?? 0; }
    }

    internal override Tensor Current(Tensor like) => tensor(Average, like.dtype, like.device);

    internal override void Observe(Tensor continuation)
    {
        var mean = continuation.detach().mean().to_type(TorchSharp.torch.ScalarType.Float64).item<double>();
        if (!double.IsFinite(mean)) return;
        lock (_gate) _average = _average is { } a ? Decay * a + (1 - Decay) * mean : mean;
    }

    /// <inheritdoc />
    public override string ToString() => $"running average (decay {Decay})";
}
