using Ppl.Inference.Smc;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The S1 model as a typed state-space model: x₀ ~ N(0,1), xₜ = a·xₜ₋₁ + N(0,1), yₜ ~ N(xₜ, 0.5²).</summary>
internal readonly struct LgssmStruct(double[] ys, double a = 0.9) : IStateSpaceDensity<double>
{
    private const double LogNormConst = -0.2257913526447274; // −log(0.5) − ½ log(2π)
    private const double HalfLog2Pi = 0.9189385332046727;

    public double A => a;

    public int Steps => ys.Length;

    public double Initial(Rng rng) => rng.NextGaussian();

    public double Transition(int t, double previous, Rng rng) => a * previous + rng.NextGaussian();

    public double LogObservation(int t, double state)
    {
        var d = (ys[t - 1] - state) * 2;
        return -0.5 * d * d + LogNormConst;
    }

    public double LogInitial(double state) => -0.5 * state * state - HalfLog2Pi;

    public double LogTransition(int t, double previous, double state)
    {
        var d = state - a * previous;
        return -0.5 * d * d - HalfLog2Pi;
    }
}
