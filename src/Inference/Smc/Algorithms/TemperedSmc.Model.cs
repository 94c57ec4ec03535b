using System.Collections.Concurrent;

namespace Ppl.Inference.Smc;

// Tempered SMC on any generative function, through the GFI only: the particles are traces, the likelihood is what
// Project measures on the observed addresses, and the moves are Regenerate on one latent choice at a time.
public static partial class TemperedSmc
{
    /// <summary>
    /// Runs tempered SMC on a generative function conditioned on <paramref name="observations"/>: the targets are
    /// πβ(x) ∝ p(x) L(x)^β from the prior (β = 0) to the posterior (β = 1), where x are the latent choices (those not
    /// given in <paramref name="observations"/>) and L is the likelihood: the densities of the observed Sample sites
    /// together with the model's own Observe and Factor terms. Each stage reweights by L^(β′−β), resamples when the
    /// ESS is low, and moves every particle by Metropolis–Hastings sweeps that propose one latent choice at a time
    /// from its prior (so discrete latents and models whose choices change with their values work too). With a fixed
    /// schedule the weight sum is an unbiased estimate of Z = p(observations) (times the model's Observe/Factor terms).
    /// </summary>
    /// <param name="model">Any generative function (a <c>[Model]</c> method's generated function, a dynamic model, a combinator).</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty when the model observes everything itself).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="settings">Schedule, MH sweeps per stage (<see cref="TemperedSmcSettings.MoveSteps"/>) and resampling;
    /// <see cref="TemperedSmcSettings.ProposalScale"/> is not used here.</param>
    /// <param name="options">Parallelism (particles), progress (per stage) and cancellation.</param>
    /// <exception cref="UnvisitedConstraintsException">An observed address the model never visits.</exception>
    /// <exception cref="InferenceException">Every particle has likelihood zero at some temperature.</exception>
    public static TemperedSmcModelResult<TArgs, TRet> Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        int particles, Rng rng, TemperedSmcSettings? settings = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        settings ??= TemperedSmcSettings.Default;
        options ??= RunOptions.Default;
        // log L(t) = Project(t, observed addresses): Project counts every Observe and Factor term and the selected
        // choices' densities, so on the observed addresses it is exactly the likelihood, whatever mix of constrained
        // Sample sites and Observe/Factor the model uses. (It equals Generate's weight when the latents are prior draws.)
        var observed = Selection.At(observations.Leaves.Select(l => l.Address).ToArray());
        var traces = new ITrace<TArgs, TRet>[particles];
        var logL = new double[particles];
        ParticleParallel.For(particles, rng, options, (i, r) =>
        {
            traces[i] = model.Generate(args, observations, r).Trace;
            logL[i] = model.Project(traces[i], observed);
        });
        // One selection per address, shared by every particle and stage, so a generated function's per-selection mask is built once.
        var single = new ConcurrentDictionary<Address, Selection>();
        var run = Core(traces, logL, rng, settings, options, (_, _, beta) => (trace, l, r) =>
        {
            var accepted = 0;
            var tried = 0;
            for (var sweep = 0; sweep < settings.MoveSteps; sweep++)
            {
                // The sweep's sites are the trace's latent choices when it starts; one that a move made disappear is skipped.
                foreach (var address in trace.Choices.Leaves.Select(c => c.Address).Where(a => !observed.Contains(a)).ToList())
                {
                    if (!trace.Choices.Contains(address)) continue;
                    tried++;
                    var (proposal, weight) = model.Regenerate(trace, args, single.GetOrAdd(address, a => Selection.At(a)), r);
                    var proposedL = model.Project(proposal, observed);
                    if (Accept(weight, l, proposedL, beta, settings.UntemperedAcceptance, r))
                    {
                        (trace, l) = (proposal, proposedL);
                        accepted++;
                    }
                }
            }
            return (trace, l, accepted, tried);
        });
        return new TemperedSmcModelResult<TArgs, TRet>(model, args, run.Particles, run.LogWeights, run.LogEvidence, run.Temperatures,
            run.Steps, run.Ancestry, run.AcceptanceRate);
    }

    /// <summary>
    /// The tempered MH decision for a prior proposal made by Regenerate. Its weight w is the MH log ratio for the full
    /// posterior p(t) = prior(t)·L(t), proposal ratio included (new or dropped choices too). πβ(t) = prior(t)·L(t)^β =
    /// p(t)·L(t)^(β−1), so the ratio for πβ is w − (1 − β)(log L′ − log L). For a fixed structure w = log L′ − log L and
    /// this is β(log L′ − log L).
    /// </summary>
    /// <remarks>
    /// Why prior proposals through Regenerate rather than random walks on the unconstrained space of the model's
    /// differentiable form: Regenerate exists on every generative function, handles discrete latents, bounded supports
    /// and choices that appear or vanish with other choices' values, and needs nothing the GFI does not give; the
    /// differentiable form covers only continuous, fixed-structure [Model] methods. Proposing one site at a time keeps
    /// the acceptance reasonable as the posterior narrows; the population, not the kernel, carries the particles
    /// between modes. The decision is the one MH accept rule (<c>Mcmc.Accept.Draw</c>, drawn through
    /// <see cref="Rng.DrawIndex"/>), so a run stays enumerable.
    /// </remarks>
    private static bool Accept(double weight, double logL, double proposedL, double beta, bool untempered, Rng rng)
    {
        // L′ = 0: πβ(t′) = 0 for β > 0 (every move happens at β > 0), so reject; this also avoids −∞ − (−∞).
        if (double.IsNegativeInfinity(proposedL) || double.IsNaN(weight) || double.IsNaN(proposedL)) return false;
        var logRatio = untempered ? weight : weight - (1 - beta) * (proposedL - logL);
        return Mcmc.Accept.Draw(logRatio, rng).Accepted;
    }
}

/// <summary>The outcome of <see cref="TemperedSmc.Run{TArgs, TRet}(IGenerativeFunction{TArgs, TRet}, TArgs, ChoiceMap, int, Rng, TemperedSmcSettings?, RunOptions?)"/>.</summary>
/// <param name="Model">The model that was run.</param>
/// <param name="Args">Its arguments.</param>
/// <param name="Traces">The final particles: traces of the model with the observations in place (weighted posterior draws).</param>
/// <param name="LogWeights">Their unnormalised log weights (log-sum-exp = <paramref name="LogEvidence"/>).</param>
/// <param name="LogEvidence">log Ẑ, an estimate of log p(observations) (unbiased on the natural scale with a fixed schedule).</param>
/// <param name="Temperatures">The schedule used, starting at 0 and ending at 1.</param>
/// <param name="Steps">ESS (after reweighting), resampling and running log Ẑ per stage.</param>
/// <param name="Ancestry">Parents after each stage's resampling (null where none).</param>
/// <param name="AcceptanceRate">Fraction of single-site MH proposals accepted.</param>
public sealed record TemperedSmcModelResult<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> Model, TArgs Args, IReadOnlyList<ITrace<TArgs, TRet>> Traces,
    IReadOnlyList<double> LogWeights, double LogEvidence, IReadOnlyList<double> Temperatures, IReadOnlyList<SmcStep> Steps,
    IReadOnlyList<int[]?> Ancestry, double AcceptanceRate)
{
    /// <summary>The self-normalised posterior mean of f over the traces.</summary>
    public double Mean(Func<ITrace<TArgs, TRet>, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Traces.Count; i++)
        {
            var w = Math.Exp(LogWeights[i] - LogEvidence);
            if (w > 0) s += w * f(Traces[i]);
        }
        return s;
    }

    /// <summary>
    /// The posterior mean of the scalar choice at <paramref name="address"/> (a double, int or bool; true counts 1).
    /// Throws <see cref="ArgumentException"/> naming the address when a weighted trace lacks it or holds another kind of value.
    /// </summary>
    public double Mean(Address address) => Mean(t => ChoiceValues.Scalar(t.Choices, address, Model.Name));

    /// <summary>The posterior probability of an event on the traces.</summary>
    public double Probability(Func<ITrace<TArgs, TRet>, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Mean(t => predicate(t) ? 1.0 : 0.0);
    }

    /// <summary>A printable summary: one row per stage.</summary>
    public string Summary(int maxRows = 20) =>
        SmcSummary.Table($"tempered SMC on '{Model.Name}' ({Temperatures.Count - 1} stages, MH acceptance {AcceptanceRate:F2})", Traces.Count, LogEvidence,
            SmcSummary.KishEss(LogWeights, LogEvidence), Steps, SmcSummary.SurvivingLineages(Ancestry, Traces.Count), maxRows);
}

/// <summary>Scalar values of choices, read by address for posterior summaries.</summary>
internal static class ChoiceValues
{
    /// <summary>The choice at <paramref name="address"/> as a double (double, float, int, long; bool as 0/1).</summary>
    public static double Scalar(ChoiceMap choices, Address address, string model)
    {
        if (!choices.TryGetValue(address, out var value) || value is null)
            throw new ArgumentException($"A draw of '{model}' has no choice at '{address}'.", nameof(address));
        return value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            bool b => b ? 1.0 : 0.0,
            _ => throw new ArgumentException($"The choice at '{address}' of '{model}' is a {value.GetType().Name}, not a scalar; pass a function of the draw instead.", nameof(address)),
        };
    }
}
