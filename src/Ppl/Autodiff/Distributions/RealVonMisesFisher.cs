using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The von Mises–Fisher distribution with a random or data mean direction and a <see cref="Real"/> concentration: the
/// differentiable counterpart of <see cref="VonMisesFisher"/>. A draw maps its n coordinates onto the sphere as
/// <see cref="RealUnitVector"/> does; the log density log Cₙ(κ) + κ μᵀx is one operation over κ, μ and x, with
/// d log Cₙ/dκ = −Aₙ(κ) = −I_(n/2)(κ)/I_(n/2−1)(κ).
/// </summary>
public readonly struct RealVonMisesFisher : IRealVectorContinuous, IRealVectorObservation<double[]>
{
    private readonly Real[]? _mu;
    private readonly double[]? _muData;

    /// <summary>Creates the family from a random (<paramref name="mu"/>) or data (<paramref name="muData"/>) direction and κ.</summary>
    internal RealVonMisesFisher(Real[]? mu, double[]? muData, Real kappa)
    {
        _mu = mu;
        _muData = muData;
        Kappa = kappa;
    }

    /// <summary>The concentration κ.</summary>
    public Real Kappa { get; }

    /// <inheritdoc />
    public string Family => "VonMisesFisher";

    /// <inheritdoc />
    public int Length => _mu?.Length ?? _muData?.Length ?? 0;

    /// <inheritdoc />
    public int UnconstrainedLength => Length;

    private double Mu(int i) => _mu is { } m ? m[i].Value : _muData![i];

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private VonMisesFisher AtValuesCore() => new(_mu is { } m ? RealVectorBuffers.Values(m) : _muData!, Kappa.Value);

    /// <summary>x = y/‖y‖; adds −½‖y‖² to <paramref name="logJacobian"/> (Stan's <c>unit_vector</c> transform).</summary>
    public Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian) => RealUnitVector.ToSphere(u, Length, ref logJacobian);

    /// <inheritdoc />
    public void Unconstrain(ReadOnlySpan<double> x, Span<double> u) => new UnitVectorBijector(Math.Max(Length, 2)).Inverse(x.ToArray(), u);

    /// <summary>log Cₙ(κ) + κ μᵀx, one operation over κ, μ and x.</summary>
    public Real LogDensity(Real[] x) => x is null ? double.NaN : Core(x, null);

    /// <summary>The log density of an observed unit vector (differentiated in κ and μ).</summary>
    public Real LogDensity(double[] value) => value is null ? double.NaN : Core(null, value);

    private Real Core(Real[]? x, double[]? xData)
    {
        var n = Length;
        var kappa = Kappa.Value;
        if (n < 2 || (x?.Length ?? xData!.Length) != n || !(kappa >= 0) || !double.IsFinite(kappa)) return double.NaN;
        double muNorm = 0, xNorm = 0, dot = 0;
        for (var i = 0; i < n; i++)
        {
            var m = Mu(i);
            var v = x is { } r ? r[i].Value : xData![i];
            muNorm += m * m;
            xNorm += v * v;
            dot += m * v;
        }
        if (!(Math.Abs(Math.Sqrt(muNorm) - 1) <= 1e-6)) return double.NaN;
        if (!(Math.Abs(Math.Sqrt(xNorm) - 1) <= 1e-8)) return double.NegativeInfinity;
        RealVectorBuffers.Partials(1 + 2 * n, out var parents, out var partials);
        parents[0] = Kappa;
        partials[0] = dot - VonMisesFisher.MeanResultantLength(n, kappa);
        for (var i = 0; i < n; i++)
        {
            if (_mu is { } mu)
            {
                parents[1 + i] = mu[i];
                partials[1 + i] = kappa * (x is { } r ? r[i].Value : xData![i]);
            }
            if (x is { } xs)
            {
                parents[1 + n + i] = xs[i];
                partials[1 + n + i] = kappa * Mu(i);
            }
        }
        return Real.FromPartials(VonMisesFisher.LogNormalizer(n, kappa) + kappa * dot, parents, partials);
    }

    /// <inheritdoc />
    public override string ToString() => $"VonMisesFisher({Length} entries, {Kappa.Value})";
}
