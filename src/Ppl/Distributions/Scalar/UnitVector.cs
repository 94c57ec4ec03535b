using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>
/// The uniform distribution on the unit sphere Sⁿ⁻¹ = {x ∈ ℝⁿ : ‖x‖ = 1}, n ≥ 2: log p(x) = log Γ(n/2) − log 2 −
/// (n/2) log π, the reciprocal of the sphere's area, with respect to its surface measure. A choice of it is a unit
/// vector (Stan's <c>unit_vector</c>), mapped from ℝⁿ by <see cref="UnitVectorBijector"/>; a density over directions is
/// written as this prior plus a <c>Factor</c>, or as <see cref="VonMisesFisher"/>. Draws normalise a standard normal vector.
/// </summary>
public readonly struct UnitVector : IDistribution<double[]>, IHasBijector<double[]>
{
    /// <summary>Creates the uniform distribution on the unit sphere in ℝ^<paramref name="dimension"/>. Checked when used.</summary>
    public UnitVector(int dimension) => Dimension = dimension;

    /// <summary>The dimension n of the vectors.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    public string Family => "UnitVector";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.UnitSphereOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => Dimension >= 2 ? null : $"dimension must be at least 2, got {Dimension}";

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new UnitVectorBijector(Math.Max(Dimension, 2));

    /// <summary>−log of the area of Sⁿ⁻¹, 2π^(n/2)/Γ(n/2).</summary>
    internal static double LogUniform(int n) => SpecialFunctions.GammaLn(0.5 * n) - Math.Log(2) - 0.5 * n * Math.Log(Math.PI);

    /// <summary>Whether <paramref name="x"/> is a unit vector of dimension <paramref name="n"/> (to 1e-8 in its norm).</summary>
    internal static bool OnSphere(ReadOnlySpan<double> x, int n)
    {
        if (x.Length != n) return false;
        double s = 0;
        foreach (var v in x) s += v * v;
        return Math.Abs(Math.Sqrt(s) - 1) <= 1e-8;
    }

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        ThrowIfInvalid();
        return SampleUniform(rng, Dimension);
    }

    /// <summary>A uniform draw on Sⁿ⁻¹: a standard normal vector over its norm.</summary>
    internal static double[] SampleUniform(Rng rng, int n)
    {
        var x = new double[n];
        double s;
        do
        {
            s = 0;
            for (var i = 0; i < n; i++)
            {
                x[i] = rng.NextGaussian();
                s += x[i] * x[i];
            }
        } while (!(s > 1e-300));
        var norm = Math.Sqrt(s);
        for (var i = 0; i < n; i++) x[i] /= norm;
        return x;
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        ThrowIfInvalid();
        return value is not null && OnSphere(value, Dimension) ? LogUniform(Dimension) : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[])value);

    private void ThrowIfInvalid()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"UnitVector({Dimension})";
}
