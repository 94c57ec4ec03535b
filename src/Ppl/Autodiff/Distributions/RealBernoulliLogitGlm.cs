using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Logistic regression over a <see cref="Real"/> intercept and coefficients: the differentiable counterpart of
/// <see cref="BernoulliLogitGlm"/>, evaluated as one fused operation (<see cref="RealDensity.BernoulliLogitGlm(ReadOnlySpan{double}, double[][], Real, ReadOnlySpan{Real})"/>).
/// </summary>
public readonly struct RealBernoulliLogitGlm : IRealVectorObservation<bool[]>
{
    private readonly double[][] _x;
    private readonly Real _alpha;
    private readonly Real[]? _beta;
    private readonly double[]? _betaData;

    /// <summary>Creates the family; β is a tape array or data.</summary>
    internal RealBernoulliLogitGlm(double[][] x, Real alpha, Real[]? beta, double[]? betaData)
    {
        _x = x;
        _alpha = alpha;
        _beta = beta;
        _betaData = betaData;
    }

    /// <inheritdoc />
    public string Family => "BernoulliLogitGlm";

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private BernoulliLogitGlm AtValuesCore() => new(_x, _alpha.Value, _beta is { } b ? RealVectorBuffers.Values(b) : _betaData!);

    /// <inheritdoc />
    public Real LogDensity(bool[] value)
    {
        var beta = _beta is { } b ? b : RealVectorBuffers.Lift(_betaData!, 0);
        if (value is null || _x is null || _x.Length != value.Length) return double.NaN;
        // The pass checks each row's length as it reads the row (a separate scan of the row headers cost a twentieth of
        // the gradient): a ragged row is its ArgumentException, a NaN here, since a log density never throws.
        try
        {
            return RealDensity.BernoulliLogitGlm(RealVectorBuffers.Outcomes(value), _x, _alpha, beta);
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"BernoulliLogitGlm({_x?.Length ?? 0} rows)";
}
