using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain.Generative;

/// <summary>
/// Any generative function q(y | x) seen as a BRAIn conditional model: the prompt is its argument and the
/// output y is its choice map. Sampling is <c>Simulate</c> (the trace's choices); the log probability of
/// given choices is <c>Assess</c>. A proposal or policy must be a normalised distribution over its choices,
/// so a function that scores through <c>Factor</c> or <c>Observe</c> is refused when it is first sampled
/// (its draws would not follow its score); the reward belongs in the target (<see cref="GenerativeTarget{TX, TRet}"/>).
/// </summary>
/// <typeparam name="TX">The prompt type: the function's arguments.</typeparam>
/// <typeparam name="TRet">The function's return type (not used: the output is the choice map).</typeparam>
public class GenerativeConditionalModel<TX, TRet> : IConditionalModel<TX, ChoiceMap>
{
    /// <summary>Wraps <paramref name="function"/>.</summary>
    public GenerativeConditionalModel(IGenerativeFunction<TX, TRet> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
    }

    /// <summary>The wrapped generative function.</summary>
    public IGenerativeFunction<TX, TRet> Function { get; }

    /// <inheritdoc />
    public virtual ChoiceMap[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng) =>
        GenerativeChecks.Draw(prompts, samplesPerPrompt, rng, (prompt, r) =>
        {
            var trace = Function.Simulate(prompt, r);
            GenerativeChecks.NormalisedDraw(Function, trace, prompt);
            return GenerativeChecks.Keep(trace.Choices);
        });

    /// <inheritdoc />
    public virtual Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        var n = GenerativeChecks.SamplesPerPrompt(prompts, outputs);
        var values = new double[outputs.Count];
        using (NewDisposeScope())
        using (no_grad())
        {
            for (var k = 0; k < outputs.Count; k++)
                values[k] = Function.Assess(prompts[k / n], outputs[k]).Weight;
        }
        return tensor(values, ScalarType.Float64).reshape(prompts.Count, n);
    }
}

/// <summary>Checks shared by the generative adapters, with messages that name the function, prompt and address.</summary>
internal static class GenerativeChecks
{
    /// <summary>
    /// <paramref name="samplesPerPrompt"/> draws per prompt, prompt-major, each made by <paramref name="draw"/> without a
    /// gradient tape and in its own dispose scope (what every sampler of a program does around its draw).
    /// </summary>
    public static ChoiceMap[] Draw<TX>(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng, Func<TX, Rng, ChoiceMap> draw)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(rng);
        if (samplesPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerPrompt), samplesPerPrompt, "Need at least one sample per prompt.");
        using var _ = no_grad();
        var outputs = new ChoiceMap[prompts.Count * samplesPerPrompt];
        for (var b = 0; b < prompts.Count; b++)
            for (var i = 0; i < samplesPerPrompt; i++)
            {
                using var scope = NewDisposeScope();
                outputs[b * samplesPerPrompt + i] = draw(prompts[b], rng);
            }
        return outputs;
    }

    /// <summary>n = outputs / prompts, or a clear error.</summary>
    public static int SamplesPerPrompt<TX>(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(outputs);
        if (prompts.Count == 0 || outputs.Count == 0 || outputs.Count % prompts.Count != 0)
            throw new ArgumentException($"{outputs.Count} outputs do not split evenly over {prompts.Count} prompts.", nameof(outputs));
        return outputs.Count / prompts.Count;
    }

    /// <summary>
    /// Takes the tensor values of a draw out of the dispose scope of the step that drew them: the output outlives it
    /// (the sample store keeps it for a round), while the draw's temporaries are freed with the scope.
    /// </summary>
    public static ChoiceMap Keep(ChoiceMap choices)
    {
        foreach (var (_, value) in choices.Leaves)
            if (value is Tensor t) t.DetachFromDisposeScope();
        return choices;
    }

    /// <summary>
    /// A draw of <c>Simulate</c> follows the product of the choices' densities; it equals the score only when
    /// the function has no factors or observations (their total is <c>Project(trace, None)</c>).
    /// </summary>
    public static void NormalisedDraw<TX, TRet>(IGenerativeFunction<TX, TRet> function, ITrace<TX, TRet> trace, TX prompt)
    {
        var extra = function.Project(trace, Selection.None);
        if (extra != 0)
            throw new InferenceException(
                $"'{function.Name}' at prompt {prompt} adds {extra} to its score through Factor or Observe: a policy or proposal must be a " +
                "normalised distribution over its choices (its draws would not follow its score). Put the reward in the target.");
    }

    /// <summary>
    /// A trace built from constraints must have made no choice of its own: otherwise its score is a random
    /// estimate, not the density of the given output. Names the first extra address.
    /// </summary>
    public static void FullyConstrained(IGenerativeFunction function, ChoiceMap made, ChoiceMap given, object? prompt, string role)
    {
        foreach (var (address, value) in made.Leaves)
            if (!given.Contains(address))
                throw new InferenceException(
                    $"{role} '{function.Name}' at prompt {prompt} makes a choice at '{address}' (value {value}) that the output does not give: " +
                    "the policy's choices must be exactly the prior's choices, or the density of an output is not defined.", address);
    }
}
