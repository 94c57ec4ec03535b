using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Poisson regression over a <see cref="Real"/> intercept and coefficients: the differentiable counterpart of
/// <see cref="PoissonLogGlm"/>, evaluated as one fused operation (<see cref="RealDensity.PoissonLogGlm(ReadOnlySpan{int}, double[][], Real, ReadOnlySpan{Real})"/>).
/// </summary>
public readonly struct RealPoissonLogGlm : IRealVectorObservation<int[]>
{
    private readonly double[][] _x;
    private readonly Real _alpha;
    private readonly Real[]? _beta;
    private readonly double[]? _betaData;

    /// <summary>Creates the family; β is a tape array or data.</summary>
    internal RealPoissonLogGlm(double[][] x, Real alpha, Real[]? beta, double[]? betaData)
    {
        _x = x;
        _alpha = alpha;
        _beta = beta;
        _betaData = betaData;
    }

    /// <inheritdoc />
    public string Family => "PoissonLogGlm";

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private PoissonLogGlm AtValuesCore() => new(_x, _alpha.Value, _beta is { } b ? RealVectorBuffers.Values(b) : _betaData!);

    /// <inheritdoc />
    public Real LogDensity(int[] value)
    {
        var beta = _beta is { } b ? b : RealVectorBuffers.Lift(_betaData!, 0);
        if (value is null || _x is null || _x.Length != value.Length) return double.NaN;
        // The pass checks each row's length as it reads the row (a separate scan of the row headers cost a twentieth of
        // the gradient): a ragged row is its ArgumentException, a NaN here, since a log density never throws.
        try
        {
            return RealDensity.PoissonLogGlm(value, _x, _alpha, beta);
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PoissonLogGlm({_x?.Length ?? 0} rows)";
}
