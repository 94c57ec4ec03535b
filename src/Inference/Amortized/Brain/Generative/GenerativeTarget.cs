using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain.Generative;

/// <summary>
/// The reward-conditioned target p(y | x) · ℓ(x, y) written as one generative function: a program that makes the
/// prior's choices (inline, or by calling the prior at <see cref="PriorAddress"/>) and then scores the reward with
/// <c>Factor(r / β)</c> (or <c>Factor(log p(G = 1 | x, y))</c>, or an <c>Observe</c>). Its score on the policy's
/// choices is log p + log ℓ; the contract of <c>Project(trace, None)</c> (factors and observations only) splits it
/// into the goodness log ℓ and the prior log p. Ancestral sampling of the same function (its <c>Simulate</c>,
/// whose internal proposal ignores factors) draws from the prior, so it is also the prior proposal q′ = p.
/// <para>
/// As a BRAIn target it is the conditional model (the prior: samples and log p) and the reward (log ℓ, with
/// <see cref="FactorGoodness"/> passing it through); <see cref="ToDistillationTarget"/> packs both for
/// <see cref="BrainTrainer"/>. Outputs are the policy's choice maps; they sit under <see cref="PriorAddress"/> in the
/// target's trace.
/// </para>
/// </summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TArgs">The target's arguments: the prompt with whatever fixed data the program reads (a network, tables).</typeparam>
/// <typeparam name="TRet">The target's return type (not used).</typeparam>
public class GenerativeTarget<TX, TArgs, TRet> : IConditionalModel<TX, ChoiceMap>, IRewardModel<TX, ChoiceMap>
{
    private readonly Func<TX, TArgs> _arguments;
    private readonly Func<TX, ChoiceMap>? _observations;

    // The trainer scores the same outputs as prior and as reward one after the other; one pass computes both.
    // Keyed by the elements (choice maps are immutable, so the same objects mean the same outputs), not by the lists.
    private (TX[] Prompts, ChoiceMap[] Outputs, double[] LogPrior, double[] LogGoodness)? _last;
    private readonly object _gate = new();

    // Scores of this target's own draws, by output (the table holds them only as long as the output lives).
    private readonly ConditionalWeakTable<ChoiceMap, DrawScores> _drawn = new();

    private sealed record DrawScores(TX Prompt, double LogPrior, double LogGoodness);

    /// <summary>Wraps <paramref name="target"/>, run at <paramref name="arguments"/>(x) for prompt x.</summary>
    /// <param name="target">The program: the prior's choices, then the reward's factor.</param>
    /// <param name="arguments">The program's arguments for a prompt.</param>
    /// <param name="priorAddress">
    /// Where the prior's choices sit in the target's trace (the address of the call to the prior, e.g.
    /// <c>"tokens"</c> for <c>var tokens = Prior(x);</c>); null when the target makes them at its root.
    /// </param>
    /// <param name="observations">
    /// Values of the program's observed Sample sites for a prompt (conditioning as one concept: a model that observes
    /// its data through constrained Sample sites is a target as one written with <c>Observe</c> is): they are scored
    /// as part of log ℓ and never part of the output. Null when the program observes everything itself.
    /// </param>
    public GenerativeTarget(IGenerativeFunction<TArgs, TRet> target, Func<TX, TArgs> arguments, Address? priorAddress = null, Func<TX, ChoiceMap>? observations = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(arguments);
        Function = target;
        _arguments = arguments;
        _observations = observations;
        PriorAddress = priorAddress ?? Address.Root;
    }

    /// <summary>The target program.</summary>
    public IGenerativeFunction<TArgs, TRet> Function { get; }

    /// <summary>The address of the prior's choices inside the target (the root when they are made inline).</summary>
    public Address PriorAddress { get; }

    /// <summary>The reward has no trainable parameters: it is fixed by the program.</summary>
    public IReadOnlyList<Tensor> Parameters => [];

    /// <summary>This target as prior, reward and goodness for <see cref="BrainTrainer"/>.</summary>
    public DistillationTarget<TX, ChoiceMap> ToDistillationTarget() => new(this, this, FactorGoodness.Instance);

    /// <summary>Draws from the prior p(y | x): the target run ancestrally, its choices under <see cref="PriorAddress"/>.</summary>
    public ChoiceMap[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng) =>
        GenerativeChecks.Draw(prompts, samplesPerPrompt, rng, (prompt, r) =>
        {
            var observed = Observed(prompt);
            var trace = observed.IsEmpty ? Function.Simulate(_arguments(prompt), r) : Function.Generate(_arguments(prompt), observed, r).Trace;
            var choices = WithoutObserved(trace.Choices, observed);
            var y = PriorAddress.IsRoot ? choices : choices.GetSubmap(PriorAddress);
            if (!PriorAddress.IsRoot)
                GenerativeChecks.FullyConstrained(Function, choices, ToTarget(y), prompt, "Target");
            var output = GenerativeChecks.Keep(y);
            // The draw's own trace already holds log p + log ℓ: keep it, so that scoring the draw (the prior
            // proposal's log q′ = log p, and the reward) does not run the program again.
            var logGoodness = Function.Project(trace, ObservedSelection(observed));
            _drawn.AddOrUpdate(y, new DrawScores(prompt, trace.Score - logGoodness, logGoodness));
            return output;
        });

    /// <summary>log p(y | x): the target's score on y minus its factors and observations, [B, n] float64.</summary>
    public Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        var (logPrior, _) = Scores(prompts, outputs);
        return tensor(logPrior, ScalarType.Float64).reshape(prompts.Count, outputs.Count / prompts.Count);
    }

    /// <summary>log ℓ(x, y): the target's factors and observations on y, [B, n] float64 (with <see cref="FactorGoodness"/> it is the log goodness).</summary>
    public Tensor Score(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        var (_, logGoodness) = Scores(prompts, outputs);
        return tensor(logGoodness, ScalarType.Float64).reshape(prompts.Count, outputs.Count / prompts.Count);
    }

    /// <summary>log p(y | x) + log ℓ(x, y) for one output: the target's unnormalised log density at y.</summary>
    public double LogTarget(TX prompt, ChoiceMap output)
    {
        var (p, l) = ScoreOne(prompt, output);
        return p + l;
    }

    /// <summary>The target's choices for a policy output: the output itself, or the output under <see cref="PriorAddress"/>.</summary>
    public ChoiceMap ToTarget(ChoiceMap output) => PriorAddress.IsRoot ? output : ChoiceMap.Empty.SetSubmap(PriorAddress, output);

    private (double[] LogPrior, double[] LogGoodness) Scores(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        var n = GenerativeChecks.SamplesPerPrompt(prompts, outputs);
        lock (_gate)
            if (_last is { } last && last.Prompts.SequenceEqual(prompts) && last.Outputs.Length == outputs.Count
                && last.Outputs.Select((o, k) => ReferenceEquals(o, outputs[k])).All(same => same))
                return (last.LogPrior, last.LogGoodness);
        var logPrior = new double[outputs.Count];
        var logGoodness = new double[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
            (logPrior[k], logGoodness[k]) = ScoreOne(prompts[k / n], outputs[k]);
        lock (_gate) _last = (prompts.ToArray(), outputs.ToArray(), logPrior, logGoodness);
        return (logPrior, logGoodness);
    }

    private (double LogPrior, double LogGoodness) ScoreOne(TX prompt, ChoiceMap output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_drawn.TryGetValue(output, out var known) && EqualityComparer<TX>.Default.Equals(known.Prompt, prompt))
            return (known.LogPrior, known.LogGoodness);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var observed = Observed(prompt);
        var given = observed.IsEmpty ? ToTarget(output) : ToTarget(output).Merge(observed);
        // Every choice is given, so Generate draws nothing: the stream is never read.
        var trace = Function.Generate(_arguments(prompt), given, NoDraws).Trace;
        GenerativeChecks.FullyConstrained(Function, trace.Choices, given, prompt, "Target");
        var logGoodness = Function.Project(trace, ObservedSelection(observed));
        var logPrior = trace.Score - logGoodness;
        if (double.IsNaN(logPrior) || double.IsNaN(logGoodness))
            throw new InferenceException($"Target '{Function.Name}' at prompt {prompt} scores the output {output} as NaN (log p {logPrior}, log ℓ {logGoodness}).");
        return (logPrior, logGoodness);
    }

    private static Rng NoDraws => new(0);

    private ChoiceMap Observed(TX prompt) => _observations?.Invoke(prompt) ?? ChoiceMap.Empty;

    /// <summary>The observed Sample sites: Project on them is their log density plus the factors and observations, log ℓ.</summary>
    private static Selection ObservedSelection(ChoiceMap observed) =>
        observed.IsEmpty ? Selection.None : Selection.At(observed.Leaves.Select(l => l.Address).ToArray());

    private static ChoiceMap WithoutObserved(ChoiceMap choices, ChoiceMap observed)
    {
        foreach (var (address, _) in observed.Leaves) choices = choices.Without(address);
        return choices;
    }
}

/// <summary>A program target whose arguments are the prompt itself (see <see cref="GenerativeTarget{TX, TArgs, TRet}"/>).</summary>
/// <typeparam name="TX">The prompt type: the target's arguments.</typeparam>
/// <typeparam name="TRet">The target's return type (not used).</typeparam>
public sealed class GenerativeTarget<TX, TRet> : GenerativeTarget<TX, TX, TRet>
{
    /// <summary>Wraps <paramref name="target"/>, run at the prompt.</summary>
    /// <param name="target">The program: the prior's choices, then the reward's factor.</param>
    /// <param name="priorAddress">Where the prior's choices sit in the target's trace (null: at its root).</param>
    public GenerativeTarget(IGenerativeFunction<TX, TRet> target, Address? priorAddress = null) : base(target, static x => x, priorAddress)
    {
    }
}

/// <summary>
/// The goodness of a target written as a program: its reward already is log ℓ (the total of its factors and
/// observations), so log ℓ = r.
/// </summary>
public sealed class FactorGoodness : IGoodness
{
    private FactorGoodness()
    {
    }

    /// <summary>The one instance.</summary>
    public static FactorGoodness Instance { get; } = new();

    /// <inheritdoc />
    public Tensor LogLikelihood(Tensor reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return reward.clone();
    }

    /// <inheritdoc />
    public double LogLikelihood(double reward) => reward;
}
