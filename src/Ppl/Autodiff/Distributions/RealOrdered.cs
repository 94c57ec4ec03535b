using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The ordered vector of K independent draws from a continuous family over <see cref="Real"/> parameters: the
/// differentiable counterpart of <see cref="Ordered{D}"/>. x₀ is the base's own map onto its support (so a base on
/// [0, ∞) gives Stan's <c>positive_ordered</c>), xₖ = xₖ₋₁ + e^uₖ after it; the log density K! Πₖ p(xₖ) is
/// differentiated in the entries and in the base's parameters.
/// </summary>
/// <typeparam name="D">The base family (one with a CDF, which also gives the support's bounds on the tape).</typeparam>
public readonly struct RealOrdered<D> : IRealVectorContinuous, IRealVectorObservation<double[]> where D : struct, IRealCdf
{
    /// <summary>Creates the ordered vector of <paramref name="length"/> draws from <paramref name="distribution"/>.</summary>
    public RealOrdered(D distribution, int length)
    {
        Base = distribution;
        Length = length;
    }

    /// <summary>The base family.</summary>
    public D Base { get; }

    /// <inheritdoc />
    public int Length { get; }

    /// <inheritdoc />
    public int UnconstrainedLength => Math.Max(0, Length);

    /// <inheritdoc />
    public string Family => "Ordered";

    /// <inheritdoc />
    public string? ParameterError =>
        Length < 1 ? $"length must be at least 1, got {Length}" :
        Base.ParameterError ??
        (double.IsPositiveInfinity(Base.SupportUpper.Value) ? null
            : $"the base's support must be unbounded above (the ordered transform adds positive increments), got {Base.Family} with upper bound {ParameterChecks.Format(Base.SupportUpper.Value)}");

    /// <inheritdoc />
    public IDistribution AtValues() => new Ordered<BoxedScalar>(new BoxedScalar(Base.AtValues()), Length);

    /// <inheritdoc />
    public Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian)
    {
        var x = new Real[Math.Max(0, Length)];
        if (x.Length == 0) return x;
        x[0] = Base.Constrain(u[0], ref logJacobian);
        for (var k = 1; k < x.Length; k++)
        {
            x[k] = x[k - 1] + RealMath.Exp(u[k]);
            logJacobian += u[k];
        }
        return x;
    }

    /// <inheritdoc />
    public void Unconstrain(ReadOnlySpan<double> x, Span<double> u)
    {
        if (Length < 1) return;
        u[0] = Base.Unconstrain(x[0]);
        for (var k = 1; k < Length; k++) u[k] = Math.Log(x[k] - x[k - 1]);
    }

    /// <summary>log K! + Σₖ log p(xₖ) on strictly increasing vectors; −∞ elsewhere; NaN for an invalid base or length, or a base bounded above.</summary>
    public Real LogDensity(Real[] x)
    {
        if (x is null || x.Length != Length || Length < 1 || !double.IsPositiveInfinity(Base.SupportUpper.Value)) return double.NaN;
        Real lp = SpecialFunctions.FactorialLn(Length);
        for (var k = 0; k < x.Length; k++)
        {
            if (k > 0 && !(x[k].Value > x[k - 1].Value)) return double.NegativeInfinity;
            lp += Base.LogDensity(x[k]);
        }
        return lp;
    }

    /// <summary>The log density of an observed vector (differentiated in the base's parameters).</summary>
    public Real LogDensity(double[] value)
    {
        if (value is null) return double.NaN;
        var x = new Real[value.Length];
        for (var k = 0; k < x.Length; k++) x[k] = value[k];
        return LogDensity(x);
    }

    /// <inheritdoc />
    public override string ToString() => $"Ordered({Base}, {Length})";
}
