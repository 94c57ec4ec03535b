using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Importance;
using Xunit;
using static Ppl.Dist;

namespace Ppl.Inference.Tests.Readme;

/// <summary>The README's tour, as written there, checked against the exact conjugate answer.</summary>
public class ReadmeTourTests
{
    [Fact]
    public void TheTourModelRecoversTheExactSlope()
    {
        // --- as in README.md ---
        var line = DynamicModel.Create<double[], double[]>("line", (t, xs) =>
        {
            var w = new double[2];
            for (var j = 0; j < 2; j++) w[j] = t.Sample(new Address("w", j), Normal(0, 2));
            for (var i = 0; i < xs.Length; i++) t.Sample(new Address("y", i), Normal(w[0] + w[1] * xs[i], 1));
            return w;
        });

        double[] xs = { -1, 0, 1, 2 }, ys = { -2.1, 0.2, 1.8, 4.1 };
        var observations = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i++) observations = observations.Set(new Address("y", i), ys[i]);

        var posterior = ImportanceSampling.Run(line, xs, observations, particles: 20_000, new Rng(1));
        // --- end ---

        var x = Matrix<double>.Build.DenseOfRowArrays(xs.Select(v => new[] { 1.0, v }).ToArray());
        var cov = (Matrix<double>.Build.DenseIdentity(2) / 4 + x.TransposeThisAndMultiply(x)).Inverse();
        var mean = cov * x.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(ys));
        var slope = posterior.Mean(tr => tr.Get<double>(new Address("w", 1)));
        var se = Math.Sqrt(cov[1, 1] / posterior.EffectiveSampleSize);
        Assert.True(Math.Abs(slope - mean[1]) < 5 * se, $"slope {slope} vs exact {mean[1]} (SE {se})");
    }
}
