using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>Checks E f against an exact value within k Monte Carlo standard errors (MCSE from the chains' ESS).</summary>
internal static class MomentCheck
{
    /// <summary>(estimate − exact) / MCSE for E f(draw).</summary>
    public static double Z(McmcResult r, Func<double[], double> f, double exact)
    {
        var values = r.Draws.Select(c => c.Select(f).ToArray()).ToArray();
        var mean = values.SelectMany(c => c).Average();
        return (mean - exact) / ConvergenceDiagnostics.McseMean(values);
    }

    /// <summary>A moment: f and its exact expectation.</summary>
    public static (Func<double[], double> F, double Exact) M(Func<double[], double> f, double exact) => (f, exact);

    /// <summary>The largest |z| over the moments given.</summary>
    public static double MaxZ(McmcResult r, params (Func<double[], double> F, double Exact)[] moments) =>
        moments.Max(m => Math.Abs(Z(r, m.F, m.Exact)));
}
