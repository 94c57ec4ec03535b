using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// ℝ onto [lower, upper] elementwise, for scalar events, where each bound may be infinite and the kind may vary over
/// the batch: lower + (upper − lower)·σ(u) for two finite ends, lower + eᵘ or upper − eᵘ for one, the identity for
/// none (the maps of the scalar truncation). Every branch is evaluated at a substitute input where it is not the one
/// used, so that no discarded branch overflows and turns the gradient into NaN.
/// </summary>
public sealed class BoundsTensorBijector : ITensorBijector
{
    private readonly Tensor _both;
    private readonly Tensor _lowerOnly;
    private readonly Tensor _upperOnly;
    private readonly Tensor _lo;
    private readonly Tensor _hi;

    /// <summary>Creates the bijector onto [<paramref name="lower"/>, <paramref name="upper"/>]; bounds broadcast against the batch, −∞/+∞ for none.</summary>
    public BoundsTensorBijector(Tensor lower, Tensor upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        Lower = lower;
        Upper = upper;
        var fl = lower.isfinite();
        var fh = upper.isfinite();
        _both = fl.logical_and(fh);
        _lowerOnly = fl.logical_and(fh.logical_not());
        _upperOnly = fh.logical_and(fl.logical_not());
        // Finite stand-ins for the bounds with _hi > _lo, used only where the true bound is infinite.
        _lo = where(fl, lower, where(fh, upper.Minus(1.0), lower.FullLike(0.0)));
        _hi = where(fh, upper, _lo.Plus(1.0));
    }

    /// <summary>The lower bounds (−∞ for none).</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bounds (+∞ for none).</summary>
    public Tensor Upper { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [];

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained)
    {
        var oneSided = _lowerOnly.logical_or(_upperOnly);
        var e = where(oneSided, unconstrained, unconstrained.FullLike(0.0)).exp();
        var s = where(_both, unconstrained, unconstrained.FullLike(0.0)).sigmoid();
        return where(_both, _lo.Plus((_hi - _lo) * s),
            where(_lowerOnly, _lo.Plus(e), where(_upperOnly, _hi - e, unconstrained)));
    }

    /// <inheritdoc />
    public Tensor Inverse(Tensor value)
    {
        var mid = _lo.Plus(_hi).Times(0.5);
        var p = (where(_both, value, mid) - _lo) / (_hi - _lo);
        var both = p.log() - p.neg().log1p();
        var lowerOnly = (where(_lowerOnly, value, _hi) - _lo).log();
        var upperOnly = (_hi - where(_upperOnly, value, _lo)).log();
        return where(_both, both, where(_lowerOnly, lowerOnly, where(_upperOnly, upperOnly, value)));
    }

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained)
    {
        var both = (_hi - _lo).log() - unconstrained.neg().Softplus() - unconstrained.Softplus();
        return where(_both, both, where(_lowerOnly.logical_or(_upperOnly), unconstrained, unconstrained.FullLike(0.0)));
    }
}
