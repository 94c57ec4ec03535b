using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

/// <summary>
/// The batched benchmark's polynomial regression written once as a scalar [Model]: the generator emits the
/// scalar generative function (<c>CurveFitModel</c>) and the batched tensor form (<c>CurveFitBatched</c>),
/// which the benchmark times against the hand-written batched model.
/// </summary>
internal static partial class GeneratedCurveFit
{
    internal const int Degree = 3;

    [Model]
    internal static double[] CurveFit(double[] xs)
    {
        var w = new double[Degree + 1];
        for (var j = 0; j <= Degree; j++) w[j] = Sample(Normal(0, 1), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = w[Degree];
            for (var j = Degree - 1; j >= 0; j--) mean = mean * xs[i] + w[j];
            _ = Sample(Normal(mean, 0.5), "y", i);
        }
        return w;
    }
}
