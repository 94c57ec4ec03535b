using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// The inverse-Wishart distribution over symmetric positive-definite n×n matrices Σ with ν degrees of freedom and
/// scale Ψ: log p(Σ) = (ν/2) log|Ψ| − (νn/2) log 2 − log Γₙ(ν/2) − ((ν + n + 1)/2) log|Σ| − ½ tr(ΨΣ⁻¹), with respect to
/// Lebesgue measure on the lower triangle of Σ (diagonal included). The conjugate prior of a normal covariance; a choice
/// of it is a covariance matrix, mapped from ℝ^(n(n+1)/2) by <see cref="CovarianceBijector"/>. The array is not copied.
/// </summary>
public readonly struct InverseWishart : IDistribution<double[,]>, IHasBijector<double[,]>
{
    private const double Ln2 = 0.69314718055994531;
    private readonly string? _error;
    private readonly double _logDetScale;

    /// <summary>Creates InverseWishart(<paramref name="nu"/>, <paramref name="scale"/>). Checked when used.</summary>
    public InverseWishart(double nu, double[,] scale)
    {
        Nu = nu;
        Scale = scale;
        (_, _logDetScale, _error) = WishartParameters.Validate(nu, scale);
    }

    /// <summary>The degrees of freedom ν.</summary>
    public double Nu { get; }

    /// <summary>The scale matrix Ψ (not a copy).</summary>
    public double[,] Scale { get; }

    /// <summary>The dimension n.</summary>
    public int Dimension => Scale?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "InverseWishart";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.PositiveDefiniteOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => Scale is null ? "scale must not be null" : _error;

    /// <inheritdoc />
    public IBijector<double[,]> Bijector => new CovarianceBijector(Math.Max(Dimension, 1));

    /// <inheritdoc />
    public double[,] Sample(Rng rng)
    {
        ThrowIfInvalid();
        return MN.InverseWishart.Sample(rng, Nu, Matrix<double>.Build.DenseOfArray(Scale)).ToArray();
    }

    /// <inheritdoc />
    public double LogDensity(double[,] value)
    {
        ThrowIfInvalid();
        var n = Dimension;
        if (value is null || value.GetLength(0) != n || value.GetLength(1) != n) return double.NegativeInfinity;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                if (!(Math.Abs(value[i, j] - value[j, i]) <= 1e-8 * (1 + Math.Abs(value[i, j])))) return double.NegativeInfinity;
        var l = Autodiff.RealLinearAlgebra.Cholesky(value);
        if (l is null) return double.NegativeInfinity;
        double logDet = 0;
        for (var i = 0; i < n; i++) logDet += 2 * Math.Log(l[i, i]);
        // tr(ΨΣ⁻¹) = Σⱼ (Σ⁻¹ψⱼ)ⱼ, by the factor: two triangular solves per column of Ψ.
        double trace = 0;
        var z = new double[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++)
            {
                var s = Scale[i, c];
                for (var k = 0; k < i; k++) s -= l[i, k] * z[k];
                z[i] = s / l[i, i];
            }
            for (var i = n - 1; i >= 0; i--)
            {
                var s = z[i];
                for (var k = i + 1; k < n; k++) s -= l[k, i] * z[k];
                z[i] = s / l[i, i];
            }
            trace += z[c];
        }
        return 0.5 * Nu * _logDetScale - 0.5 * Nu * n * Ln2 - LogMultivariateGamma(n, 0.5 * Nu) - 0.5 * (Nu + n + 1) * logDet - 0.5 * trace;
    }

    /// <summary>log Γₙ(a) = n(n − 1)/4 log π + Σⱼ log Γ(a − j/2), j = 0 … n − 1.</summary>
    internal static double LogMultivariateGamma(int n, double a)
    {
        var total = 0.25 * n * (n - 1) * Math.Log(Math.PI);
        for (var j = 0; j < n; j++) total += SpecialFunctions.GammaLn(a - 0.5 * j);
        return total;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[,])value);

    private void ThrowIfInvalid()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"InverseWishart({Nu}, {Dimension}x{Dimension} scale)";
}
