using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Negative-binomial regression over a <see cref="Real"/> intercept, coefficients and precision: the differentiable
/// counterpart of <see cref="NegBinomial2LogGlm"/>, evaluated as one fused operation
/// (<see cref="RealDensity.NegBinomial2LogGlm(ReadOnlySpan{int}, double[][], Real, ReadOnlySpan{Real}, Real)"/>).
/// </summary>
public readonly struct RealNegBinomial2LogGlm : IRealVectorObservation<int[]>
{
    private readonly double[][] _x;
    private readonly Real _alpha;
    private readonly Real[]? _beta;
    private readonly double[]? _betaData;
    private readonly Real _phi;

    /// <summary>Creates the family; β is a tape array or data.</summary>
    internal RealNegBinomial2LogGlm(double[][] x, Real alpha, Real[]? beta, double[]? betaData, Real phi)
    {
        _x = x;
        _alpha = alpha;
        _beta = beta;
        _betaData = betaData;
        _phi = phi;
    }

    /// <inheritdoc />
    public string Family => "NegBinomial2LogGlm";

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private NegBinomial2LogGlm AtValuesCore() => new(_x, _alpha.Value, _beta is { } b ? RealVectorBuffers.Values(b) : _betaData!, _phi.Value);

    /// <inheritdoc />
    public Real LogDensity(int[] value)
    {
        var beta = _beta is { } b ? b : RealVectorBuffers.Lift(_betaData!, 0);
        if (value is null || _x is null || _x.Length != value.Length) return double.NaN;
        // The pass checks each row's length as it reads the row (a separate scan of the row headers cost a twentieth of
        // the gradient): a ragged row is its ArgumentException, a NaN here, since a log density never throws.
        try
        {
            return RealDensity.NegBinomial2LogGlm(value, _x, _alpha, beta, _phi);
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"NegBinomial2LogGlm({_x?.Length ?? 0} rows)";
}
