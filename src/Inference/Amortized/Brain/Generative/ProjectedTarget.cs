using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain.Generative;

/// <summary>
/// A program target seen through a user projection of its outputs: y is a value of the policy's own type (a token
/// array for a TorchSharp network, say) instead of a choice map, with <c>fromChoices</c> and <c>toChoices</c>
/// converting between the two. This is how a policy that is not a generative function (any
/// <see cref="IAmortizedFamily{TX, TY}"/>, e.g. a <see cref="TensorAmortizedFamily{TX, TY}"/>) distils a
/// <c>[Model]</c> target. The two conversions must be inverse on the prior's outputs, which the first draw checks.
/// </summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TY">The policy's output type.</typeparam>
public sealed class ProjectedTarget<TX, TY> : IConditionalModel<TX, TY>, IRewardModel<TX, TY>
{
    private readonly IConditionalModel<TX, ChoiceMap> _prior;
    private readonly IRewardModel<TX, ChoiceMap> _reward;
    private readonly Func<ChoiceMap, TY> _fromChoices;
    private readonly Func<TY, ChoiceMap> _toChoices;
    private readonly object _gate = new();

    // The choice map each drawn output came from (so the program's scores of its own draws are reused), and the last
    // converted list, matched element by element (so that scoring as prior and then as reward hands the program the
    // same choice maps, whose scores it keeps).
    private readonly ConditionalWeakTable<object, ChoiceMap> _drawn = new();
    private (TY[] Outputs, ChoiceMap[] Choices)? _last;

    /// <summary>Projects <paramref name="target"/> (prior and reward over choice maps) onto outputs of type <typeparamref name="TY"/>.</summary>
    /// <param name="target">A target over choice maps, e.g. <see cref="GenerativeTarget{TX, TArgs, TRet}.ToDistillationTarget"/>.</param>
    /// <param name="fromChoices">The output for the prior's choices.</param>
    /// <param name="toChoices">The prior's choices for an output.</param>
    public ProjectedTarget(DistillationTarget<TX, ChoiceMap> target, Func<ChoiceMap, TY> fromChoices, Func<TY, ChoiceMap> toChoices)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fromChoices);
        ArgumentNullException.ThrowIfNull(toChoices);
        if (target.Goodness is not FactorGoodness)
            throw new ArgumentException("Only a program target (whose reward is its log goodness, FactorGoodness) can be projected.", nameof(target));
        _prior = target.Prior;
        _reward = target.Reward;
        _fromChoices = fromChoices;
        _toChoices = toChoices;
    }

    /// <summary>The reward has no trainable parameters.</summary>
    public IReadOnlyList<Tensor> Parameters => [];

    /// <summary>This projected target as prior, reward and goodness for <see cref="BrainTrainer"/>.</summary>
    public DistillationTarget<TX, TY> ToDistillationTarget() => new(this, this, FactorGoodness.Instance);

    /// <summary>Draws from the prior and projects them.</summary>
    public TY[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng)
    {
        var choices = _prior.Sample(prompts, samplesPerPrompt, rng);
        var outputs = new TY[choices.Length];
        for (var k = 0; k < choices.Length; k++)
        {
            outputs[k] = _fromChoices(choices[k]);
            if (k == 0) CheckRoundTrip(choices[0], outputs[0]);
            if (outputs[k] is { } boxed && !typeof(TY).IsValueType) _drawn.AddOrUpdate(boxed, choices[k]);
        }
        return outputs;
    }

    /// <summary>log p(y | x) of projected outputs, [B, n].</summary>
    public Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs) => _prior.LogProb(prompts, Choices(outputs));

    /// <summary>log ℓ(x, y) of projected outputs, [B, n].</summary>
    public Tensor Score(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs) => _reward.Score(prompts, Choices(outputs));

    private ChoiceMap[] Choices(IReadOnlyList<TY> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        lock (_gate)
            if (_last is { } last && last.Outputs.Length == outputs.Count
                && last.Outputs.Select((o, k) => typeof(TY).IsValueType ? EqualityComparer<TY>.Default.Equals(o, outputs[k]) : ReferenceEquals(o, outputs[k])).All(same => same))
                return last.Choices;
        var choices = new ChoiceMap[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
        {
            var y = outputs[k];
            choices[k] = y is { } boxed && !typeof(TY).IsValueType && _drawn.TryGetValue(boxed, out var c)
                ? c
                : _toChoices(y) ?? throw new InvalidOperationException($"toChoices returned null for output {k}.");
        }
        lock (_gate) _last = (outputs.ToArray(), choices);
        return choices;
    }

    private void CheckRoundTrip(ChoiceMap choices, TY output)
    {
        var back = _toChoices(output);
        foreach (var (address, value) in choices.Leaves)
        {
            if (!back.TryGetValue(address, out var v) || v is null || !SameValue(value, v))
                throw new ArgumentException(
                    $"toChoices does not invert fromChoices: the prior's choice at '{address}' is {value}, the round trip gives {(v is null ? "nothing" : v)}.");
        }
        if (back.Count != choices.Count)
            throw new ArgumentException($"toChoices gives {back.Count} choices for an output whose prior draw has {choices.Count}.");
    }

    private static bool SameValue(object a, object b)
    {
        if (a is Tensor ta && b is Tensor tb)
        {
            using var _ = NewDisposeScope();
            return ta.shape.SequenceEqual(tb.shape) && ta.dtype == tb.dtype && ta.eq(tb).all().item<bool>();
        }
        return Equals(a, b);
    }
}
