using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Independent normals over <see cref="Real"/> locations and scales: the differentiable counterpart of
/// <see cref="IndependentNormal"/>, evaluated as one fused operation. Locations and scales are tape values or data.
/// </summary>
public readonly struct RealIndependentNormal : IRealVectorObservation<double[]>
{
    private readonly Real[]? _mu;
    private readonly double[]? _muData;
    private readonly Real _sigma;
    private readonly Real[]? _sigmas;
    private readonly double[]? _sigmaData;

    /// <summary>Creates the family from locations and scales, each a tape array, a data array or (the scale) one value.</summary>
    internal RealIndependentNormal(Real[]? mu, double[]? muData, Real sigma, Real[]? sigmas, double[]? sigmaData)
    {
        _mu = mu;
        _muData = muData;
        _sigma = sigma;
        _sigmas = sigmas;
        _sigmaData = sigmaData;
    }

    /// <inheritdoc />
    public string Family => "IndependentNormal";

    private int Dimension => _mu?.Length ?? _muData?.Length ?? -1;

    private bool SharedScale => _sigmas is null && _sigmaData is null;

    private int ScaleCount => _sigmas?.Length ?? _sigmaData?.Length ?? -1;

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private IndependentNormal AtValuesCore()
    {
        var mu = _mu is { } m ? RealVectorBuffers.Values(m) : _muData!;
        if (SharedScale) return new IndependentNormal(mu, _sigma.Value);
        return new IndependentNormal(mu, _sigmas is { } s ? RealVectorBuffers.Values(s) : _sigmaData!);
    }

    /// <inheritdoc />
    public Real LogDensity(double[] value)
    {
        var n = Dimension;
        if (value is null || n != value.Length || (!SharedScale && ScaleCount != n)) return double.NaN;
        var mu = _mu is { } m ? m : RealVectorBuffers.Lift(_muData!, 0);
        if (SharedScale) return RealDensity.Normal(value, mu, _sigma);
        var sigma = _sigmas is { } s ? s : RealVectorBuffers.Lift(_sigmaData!, 1);
        return RealDensity.Normal(value, mu, sigma);
    }

    /// <inheritdoc />
    public override string ToString() => $"IndependentNormal({Dimension} locations)";
}
