using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// A control variate b for a REINFORCE site: the site contributes stop_grad(l − b)·∇log p(v) instead of
/// stop_grad(l)·∇log p(v). Any b that does not depend on the site's draw keeps the estimator unbiased.
/// </summary>
public abstract class Baseline
{
    /// <summary>A fixed number.</summary>
    public static Baseline Constant(double value) => new ConstantBaseline(value);

    /// <summary>An exponential moving average of past values of the continuation (updated after each use).</summary>
    public static Baseline RunningAverage(double decay = 0.9) => new RunningAverageBaseline(decay);

    /// <summary>
    /// A trainable scalar fitted by least squares to the continuation; train <see cref="LearnedBaseline.Value"/> with the
    /// other parameters. Its value lives on <paramref name="device"/> (the CPU when null) in <paramref name="dtype"/>.
    /// </summary>
    public static LearnedBaseline Learned(double initial = 0, Device? device = null, ScalarType dtype = ScalarType.Float64) => new(initial, device, dtype);

    /// <summary>The baseline's value for this use (a scalar tensor; may require gradients when it is learned).</summary>
    internal abstract Tensor Current(Tensor like);

    /// <summary>Called once per use with the continuation's value (per particle, detached).</summary>
    internal virtual void Observe(Tensor continuation) { }

    /// <summary>
    /// A zero-valued term added to the surrogate (which is maximised) so that the baseline's own parameters
    /// are fitted; none for fixed baselines.
    /// </summary>
    internal virtual Tensor? FittingTerm(Tensor continuation, Tensor baselineValue) => null;
}
