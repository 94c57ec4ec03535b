using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// Negative-binomial regression with the log link over a design matrix (Stan's <c>neg_binomial_2_log_glm</c>):
/// yᵢ ~ NB2(μᵢ = exp(α + xᵢ·β), φ) independently for each row xᵢ of <see cref="X"/>, with mean μᵢ and variance
/// μᵢ + μᵢ²/φ. A distribution over the whole count vector, so a model observes every row in one site, and the model's
/// differentiable form evaluates it as one fused node with an analytic gradient. The arrays are not copied.
/// </summary>
public readonly struct NegBinomial2LogGlm : IDistribution<int[]>
{
    private readonly string? _error;

    /// <summary>Creates the regression of rows <paramref name="x"/> with intercept α, coefficients β and precision φ. Checked when used.</summary>
    public NegBinomial2LogGlm(double[][] x, double alpha, double[] beta, double phi)
    {
        X = x;
        Alpha = alpha;
        Beta = beta;
        Phi = phi;
        _error = GlmDesign.Check(x, alpha, beta) ?? ParameterChecks.Positive("phi", phi);
    }

    /// <summary>The design matrix, one array per row.</summary>
    public double[][] X { get; }

    /// <summary>The intercept α.</summary>
    public double Alpha { get; }

    /// <summary>The coefficients β, one per column of <see cref="X"/>.</summary>
    public double[] Beta { get; }

    /// <summary>The precision φ &gt; 0 (the variance is μ + μ²/φ).</summary>
    public double Phi { get; }

    /// <inheritdoc />
    public string Family => "NegBinomial2LogGlm";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => new(SupportKind.Integers, 0, double.PositiveInfinity, X?.Length ?? 0);

    /// <inheritdoc />
    public string? ParameterError => X is null ? "x must not be null" : _error;

    /// <inheritdoc />
    public int[] Sample(Rng rng)
    {
        Check();
        var y = new int[X.Length];
        for (var i = 0; i < y.Length; i++)
        {
            // The gamma–Poisson mixture: λ ~ Gamma(φ, rate φ/μ), y ~ Poisson(λ).
            var mu = Math.Exp(GlmDesign.Eta(X, i, Alpha, Beta));
            if (!double.IsFinite(mu)) throw new DistributionParameterException(Family, $"the mean of row {i} overflows");
            var lambda = MN.Gamma.Sample(rng, Phi, Phi / mu);
            y[i] = lambda == 0 ? 0 : MN.Poisson.Sample(rng, lambda);
        }
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(int[] value)
    {
        Check();
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != X.Length) throw new DistributionParameterException(Family, GlmDesign.LengthMismatch(Family, value.Length, X.Length));
        var logPhi = Math.Log(Phi);
        var lgPhi = SpecialFunctions.GammaLn(Phi);
        double sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var k = value[i];
            if (k < 0) return double.NegativeInfinity;
            var eta = GlmDesign.Eta(X, i, Alpha, Beta);
            // log(μ + φ) in log space: μ = e^η may overflow where the mass is still finite.
            var lse = MathUtil.LogAddExp(eta, logPhi);
            sum += SpecialFunctions.GammaLn(k + Phi) - lgPhi - SpecialFunctions.FactorialLn(k) + k * (eta - lse) + Phi * (logPhi - lse);
        }
        return sum;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((int[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"NegBinomial2LogGlm({X?.Length ?? 0} rows, alpha {Alpha}, {Beta?.Length ?? 0} coefficients, phi {Phi})";
}
