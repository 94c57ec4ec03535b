using System.Globalization;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// Checks E f against an exact value within k Monte Carlo standard errors (MCSE from the chains' ESS), and
/// only when the chains carry enough information for that MCSE to mean something.
/// </summary>
/// <remarks>
/// Dividing by the chains' own MCSE alone rewards bad mixing: a sampler whose ESS collapses reports a large
/// MCSE, so a large error still gives a small z. As the VI <c>GradientCheck</c> demands SE ≤ tol before it
/// trusts a z, this check demands ESS ≥ a floor, i.e. MCSE ≤ sd/√floor, for every moment: below the floor the
/// moment's z is +∞ and the check fails. The default floor is an ESS of 400, above which Vehtari, Gelman,
/// Simpson, Carpenter and Bürkner (2021, §4: 100 per chain for their 4 chains) consider the MCSE estimate itself
/// reliable.
/// </remarks>
internal static class MomentCheck
{
    /// <summary>The ESS below which a moment's MCSE is not trusted (Vehtari et al. 2021).</summary>
    public const double DefaultMinEss = 400;

    /// <summary>One moment's figures: the chains' estimate, the exact value, the MCSE, the ESS and its floor, and z.</summary>
    public readonly record struct Moment(double Estimate, double Exact, double Mcse, double Ess, double MinEss)
    {
        /// <summary>True when the ESS reaches the floor (false for NaN: chains whose f never changes).</summary>
        public bool EnoughEss => Ess >= MinEss;

        /// <summary>(estimate − exact)/MCSE, or +∞ when the ESS is below the floor (the check then cannot pass).</summary>
        public double Z => EnoughEss ? (Estimate - Exact) / Mcse : double.PositiveInfinity;

        /// <summary>The figures, for assertion messages.</summary>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Estimate:G6} vs exact {Exact:G6}, MCSE {Mcse:G3}, ESS {Ess:F0} (floor {MinEss:F0}), z {Z:F2}");
    }

    /// <summary>E f(draw) over all chains, its MCSE and ESS (ESS of the mean of the split chains), against <paramref name="exact"/>.</summary>
    public static Moment Of(McmcResult r, Func<double[], double> f, double exact, double minEss = DefaultMinEss) =>
        Of(r.Draws.Select(c => c.Select(f).ToArray()).ToArray(), exact, minEss);

    /// <summary>The mean of <paramref name="chains"/>[chain][draw], its MCSE and ESS, against <paramref name="exact"/>.</summary>
    public static Moment Of(double[][] chains, double exact, double minEss = DefaultMinEss)
    {
        var mean = chains.SelectMany(c => c).Average();
        // McseMean is sd/√EssMean: the same ESS decides whether the MCSE is trusted.
        return new Moment(mean, exact, ConvergenceDiagnostics.McseMean(chains), ConvergenceDiagnostics.EssMean(chains), minEss);
    }

    /// <summary>(estimate − exact) / MCSE for E f(draw); +∞ when the ESS of f is below the floor.</summary>
    public static double Z(McmcResult r, Func<double[], double> f, double exact, double minEss = DefaultMinEss) => Of(r, f, exact, minEss).Z;

    /// <summary>A moment: f and its exact expectation.</summary>
    public static (Func<double[], double> F, double Exact) M(Func<double[], double> f, double exact) => (f, exact);

    /// <summary>The largest |z| over the moments given (+∞ when any of them has too small an ESS).</summary>
    public static double MaxZ(McmcResult r, params (Func<double[], double> F, double Exact)[] moments) =>
        moments.Max(m => Math.Abs(Z(r, m.F, m.Exact)));

    /// <summary>Every moment's figures, one per line, for assertion messages.</summary>
    public static string Describe(McmcResult r, params (Func<double[], double> F, double Exact)[] moments) =>
        string.Join("\n", moments.Select((m, i) => $"moment {i}: {Of(r, m.F, m.Exact)}"));

    /// <summary>Asserts that every moment is within <paramref name="k"/> MCSE of its exact value with an ESS above the floor.</summary>
    public static void AssertMatches(McmcResult r, double k, params (Func<double[], double> F, double Exact)[] moments) =>
        Assert.True(MaxZ(r, moments) < k, $"max |z| ≥ {k}:\n{Describe(r, moments)}");
}
