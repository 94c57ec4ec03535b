using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The continuous uniform distribution on [lower, upper] over <see cref="Real"/> bounds: the differentiable
/// counterpart of <see cref="Uniform"/>. Both the log density and the map onto the support are differentiated
/// in the bounds, so a support that depends on other choices is handled exactly.
/// </summary>
public readonly struct RealUniform : IRealCdf
{
    /// <summary>Creates Uniform(<paramref name="lower"/>, <paramref name="upper"/>). Parameters are checked when the distribution is used.</summary>
    public RealUniform(Real lower, Real upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lower end (finite).</summary>
    public Real Lower { get; }

    /// <summary>The upper end (finite, greater than the lower end).</summary>
    public Real Upper { get; }

    /// <inheritdoc />
    public string Family => "Uniform";

    /// <inheritdoc />
    public string? ParameterError => new Uniform(Lower.Value, Upper.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Uniform(Lower.Value, Upper.Value);

    /// <summary>log p(x) = −log(upper − lower) on [lower, upper] (no derivative in x); −∞ elsewhere.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var lower = Lower.Value;
        var upper = Upper.Value;
        if (!(double.IsFinite(lower) && double.IsFinite(upper) && upper > lower)) return double.NaN;
        var xv = x.Value;
        if (!(xv >= lower && xv <= upper)) return double.NegativeInfinity;
        var width = upper - lower;
        var inv = 1.0 / width;
        return Real.Binary(-Math.Log(width), Lower, inv, Upper, -inv);
    }

    /// <summary>
    /// x = lower + (upper − lower)·σ(u) onto (lower, upper), as the double family's <see cref="IntervalBijector"/>;
    /// adds log(upper − lower) + log σ(u) + log(1 − σ(u)) to <paramref name="logJacobian"/>. Both are
    /// differentiated in u and in the bounds.
    /// </summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainInterval(u, Lower, Upper, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainInterval(x, Lower.Value, Upper.Value);

    /// <summary>log((x − lower)/(upper − lower)) inside the interval (−∞ below, 0 above), differentiated in x and both bounds.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var a = Lower.Value;
        var b = Upper.Value;
        if (!(double.IsFinite(a) && double.IsFinite(b) && b > a) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > a)) return double.NegativeInfinity;
        if (!(xv < b)) return 0.0;
        var inWidth = 1.0 / (xv - a);
        var invWidth = 1.0 / (b - a);
        return Real.Ternary(Math.Log((xv - a) / (b - a)), x, inWidth, Lower, invWidth - inWidth, Upper, -invWidth);
    }

    /// <summary>log((upper − x)/(upper − lower)) inside the interval (0 below, −∞ above), differentiated in x and both bounds.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var a = Lower.Value;
        var b = Upper.Value;
        if (!(double.IsFinite(a) && double.IsFinite(b) && b > a) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > a)) return 0.0;
        if (!(xv < b)) return double.NegativeInfinity;
        var inWidth = 1.0 / (b - xv);
        var invWidth = 1.0 / (b - a);
        return Real.Ternary(Math.Log((b - xv) / (b - a)), x, -inWidth, Lower, invWidth, Upper, inWidth - invWidth);
    }

    /// <summary>The lower bound.</summary>
    public Real SupportLower => Lower;

    /// <summary>The upper bound.</summary>
    public Real SupportUpper => Upper;

    /// <inheritdoc />
    public override string ToString() => $"Uniform({Lower}, {Upper})";
}
