using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Normal linear regression over <see cref="Real"/> intercept, coefficients and scale: the differentiable counterpart of
/// <see cref="NormalIdGlm"/>, evaluated as one fused operation (<see cref="RealDensity.NormalIdGlm(ReadOnlySpan{double}, double[][], Real, ReadOnlySpan{Real}, Real)"/>).
/// </summary>
public readonly struct RealNormalIdGlm : IRealVectorObservation<double[]>
{
    private readonly double[][] _x;
    private readonly Real _alpha;
    private readonly Real[]? _beta;
    private readonly double[]? _betaData;
    private readonly Real _sigma;

    /// <summary>Creates the family; β is a tape array or data.</summary>
    internal RealNormalIdGlm(double[][] x, Real alpha, Real[]? beta, double[]? betaData, Real sigma)
    {
        _x = x;
        _alpha = alpha;
        _beta = beta;
        _betaData = betaData;
        _sigma = sigma;
    }

    /// <inheritdoc />
    public string Family => "NormalIdGlm";

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private NormalIdGlm AtValuesCore() => new(_x, _alpha.Value, _beta is { } b ? RealVectorBuffers.Values(b) : _betaData!, _sigma.Value);

    /// <inheritdoc />
    public Real LogDensity(double[] value)
    {
        var beta = _beta is { } b ? b : RealVectorBuffers.Lift(_betaData!, 0);
        if (value is null || _x is null || _x.Length != value.Length) return double.NaN;
        // The pass checks each row's length as it reads the row (a separate scan of the row headers cost a twentieth of
        // the gradient): a ragged row is its ArgumentException, a NaN here, since a log density never throws.
        try
        {
            return RealDensity.NormalIdGlm(value, _x, _alpha, beta, _sigma);
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"NormalIdGlm({_x?.Length ?? 0} rows)";
}
