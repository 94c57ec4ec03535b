using Ppl.Distributions;

namespace Ppl.Inference.Tests;

/// <summary>mu ~ N(0, 1); y_i ~ N(mu, 1): exact evidence and posterior by conjugacy.</summary>
internal static class ConjugateNormal
{
    public static readonly double[] Data = { 0.8, 1.6, 1.1 };

    public static readonly DynamicModel<int, double> Model = DynamicModel.Create<int, double>("normal-normal", (t, n) =>
    {
        var mu = t.Sample("mu", new Normal(0, 1));
        for (var i = 0; i < n; i++) t.Sample(new Address("y", i), new Normal(mu, 1));
        return mu;
    });

    public static ChoiceMap Observations
    {
        get
        {
            var m = ChoiceMap.Empty;
            for (var i = 0; i < Data.Length; i++) m = m.Set(new Address("y", i), Data[i]);
            return m;
        }
    }

    /// <summary>log p(y) by sequential prediction (a one-dimensional Kalman filter).</summary>
    public static double LogEvidence => LogEvidenceWithNoiseVariance(1);

    /// <summary>log p(y) of the same prior with observation noise variance <paramref name="noise"/>, by sequential prediction.</summary>
    public static double LogEvidenceWithNoiseVariance(double noise)
    {
        double m = 0, v = 1, logZ = 0;
        foreach (var y in Data)
        {
            logZ += MathNet.Numerics.Distributions.Normal.PDFLn(m, Math.Sqrt(v + noise), y);
            var k = v / (v + noise);
            m += k * (y - m);
            v *= 1 - k;
        }
        return logZ;
    }

    /// <summary>
    /// The ESS fraction (E w)²/E w² of importance sampling with the prior as proposal, w = L(μ) = Π N(yᵢ; μ, 1):
    /// Z²/E[L²]. Since N(y; μ, 1)² = N(y; μ, ½)/(2√π), E[L²] = (2√π)⁻ⁿ times the evidence with noise variance ½.
    /// </summary>
    public static double PriorProposalEssFraction =>
        Math.Exp(2 * LogEvidence - (LogEvidenceWithNoiseVariance(0.5) - Data.Length * Math.Log(2 * Math.Sqrt(Math.PI))));

    public static (double Mean, double Variance) Posterior
    {
        get
        {
            var n = Data.Length;
            var v = 1.0 / (1 + n);
            return (v * Data.Sum(), v);
        }
    }
}
