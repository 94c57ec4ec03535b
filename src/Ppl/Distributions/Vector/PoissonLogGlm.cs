using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// Poisson regression with the log link over a design matrix (Stan's <c>poisson_log_glm</c>): yᵢ ~ Poisson(exp(α + xᵢ·β))
/// independently for each row xᵢ of <see cref="X"/>. A distribution over the whole count vector, so a model observes
/// every row in one site, and the model's differentiable form evaluates it as one fused node with an analytic gradient.
/// The arrays are not copied: do not change them afterwards.
/// </summary>
public readonly struct PoissonLogGlm : IDistribution<int[]>
{
    private readonly string? _error;

    /// <summary>Creates the Poisson regression of rows <paramref name="x"/> with intercept α and coefficients β. Checked when used.</summary>
    public PoissonLogGlm(double[][] x, double alpha, double[] beta)
    {
        X = x;
        Alpha = alpha;
        Beta = beta;
        _error = GlmDesign.Check(x, alpha, beta);
    }

    /// <summary>The design matrix, one array per row.</summary>
    public double[][] X { get; }

    /// <summary>The intercept α.</summary>
    public double Alpha { get; }

    /// <summary>The coefficients β, one per column of <see cref="X"/>.</summary>
    public double[] Beta { get; }

    /// <inheritdoc />
    public string Family => "PoissonLogGlm";

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
            var rate = Math.Exp(GlmDesign.Eta(X, i, Alpha, Beta));
            if (!double.IsFinite(rate)) throw new DistributionParameterException(Family, $"the rate of row {i} overflows (log rate {GlmDesign.Eta(X, i, Alpha, Beta)})");
            y[i] = rate == 0 ? 0 : MN.Poisson.Sample(rng, rate);
        }
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(int[] value)
    {
        Check();
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != X.Length) throw new DistributionParameterException(Family, GlmDesign.LengthMismatch(Family, value.Length, X.Length));
        double sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var k = value[i];
            if (k < 0) return double.NegativeInfinity;
            var eta = GlmDesign.Eta(X, i, Alpha, Beta);
            sum += k * eta - Math.Exp(eta) - SpecialFunctions.FactorialLn(k);
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
    public override string ToString() => $"PoissonLogGlm({X?.Length ?? 0} rows, alpha {Alpha}, {Beta?.Length ?? 0} coefficients)";
}
