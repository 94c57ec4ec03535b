using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain.Generative;

/// <summary>
/// A trainable policy q_θ(y | x) written as a generative function whose parameters are its <c>Param</c>s (a
/// <c>[Model]</c> with <c>Param</c> runs on the dynamic tracer, its <see cref="ParameterStore"/> holding TorchSharp
/// leaves). The distillation gradient Σ cᵢ ∇θ log q_θ(yᵢ | x) needs no tape of the trainer's: for each output the
/// policy's trace on it (<c>Generate</c> with every choice given) goes to
/// <see cref="IGenerativeFunction{TArgs, TRet}.AccumulateParameterGradients"/> with scale cᵢ, which adds
/// cᵢ ∇θ log q_θ(yᵢ | x) to the parameters' gradients. Only log densities that are tensor expressions of the
/// parameters (tensor distributions over tensor choices) carry a gradient; C# arithmetic on doubles does not.
/// </summary>
/// <typeparam name="TX">The prompt type: the policy's arguments.</typeparam>
/// <typeparam name="TRet">The policy's return type (not used: the output is the choice map).</typeparam>
public sealed class GenerativeFamily<TX, TRet> : GenerativeConditionalModel<TX, TRet>, IAmortizedFamily<TX, ChoiceMap>
{
    private readonly Tensor[] _parameters;
    private readonly string[] _names;

    /// <summary>
    /// Wraps <paramref name="policy"/>. Parameters are created the first time the program asks for them, so the
    /// policy is run once at each of <paramref name="prompts"/> (on a private stream, leaving the caller's alone)
    /// before its parameter list is fixed.
    /// </summary>
    /// <param name="policy">The policy program, with at least one <c>Param</c>.</param>
    /// <param name="prompts">Prompts that between them reach every parameter (the training prompts).</param>
    /// <param name="device">
    /// Where the parameters live during training: once created they are moved there (and converted to
    /// <paramref name="dtype"/> when one is given) in the policy's store, so the program's tensor distributions run there;
    /// null leaves them where their <c>Param</c> inits put them. Log densities still leave as CPU float64.
    /// </param>
    /// <param name="dtype">The parameters' floating dtype (null: as created).</param>
    public GenerativeFamily(IGenerativeFunction<TX, TRet> policy, IReadOnlyList<TX> prompts, Device? device = null, ScalarType? dtype = null) : base(policy)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var rng = new Rng(0);
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (var x in prompts)
                GenerativeChecks.NormalisedDraw(policy, policy.Simulate(x, rng), x);
        }
        if (device is not null || dtype is not null) policy.Parameters.MoveTo(device ?? policy.Parameters.All.Values.FirstOrDefault()?.device ?? CPU, dtype);
        // Name order, not creation order: a checkpoint lines parameters up by position.
        var all = policy.Parameters.All.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        if (all.Length == 0)
            throw new ArgumentException(
                $"Policy '{policy.Name}' has no trainable parameters after running at {prompts.Count} prompt(s): declare them with Param(name, init).", nameof(policy));
        _names = all.Select(kv => kv.Key).ToArray();
        _parameters = all.Select(kv => kv.Value).ToArray();
    }

    /// <summary>The policy's parameters, ordered by name.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The parameters' names, in the order of <see cref="Parameters"/>.</summary>
    public IReadOnlyList<string> ParameterNames => _names;

    /// <inheritdoc />
    public override Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs)
    {
        CheckParameterSet();
        return base.LogProb(prompts, outputs);
    }

    /// <summary>Adds Σ w_{b,i} ∇θ log q_θ(y_{b,i} | x_b) to the parameters' gradients, one trace per output with a non-zero weight.</summary>
    public void AccumulateGradients(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var n = GenerativeChecks.SamplesPerPrompt(prompts, outputs);
        if (weights.shape.Length != 2 || weights.shape[0] != prompts.Count || weights.shape[1] != n)
            throw new ArgumentException($"Weights have shape [{string.Join(", ", weights.shape)}], expected [{prompts.Count}, {n}].", nameof(weights));
        CheckParameterSet();
        double[] w;
        using (no_grad())
        using (var flat = weights.detach().to_type(ScalarType.Float64).cpu().reshape(-1))
            w = flat.data<double>().ToArray();
        var rng = new Rng(0);
        for (var k = 0; k < outputs.Count; k++)
        {
            if (w[k] == 0) continue;
            if (!double.IsFinite(w[k]))
                throw new ArgumentException($"The weight of output {k} (prompt {prompts[k / n]}) is {w[k]}.", nameof(weights));
            using var scope = NewDisposeScope();
            ITrace<TX, TRet> trace;
            using (no_grad())
            {
                // Every choice is given: Generate draws nothing and its trace's score is log q_θ(y | x).
                trace = Function.Generate(prompts[k / n], outputs[k], rng).Trace;
            }
            GenerativeChecks.FullyConstrained(Function, trace.Choices, outputs[k], prompts[k / n], "Policy");
            Function.AccumulateParameterGradients(trace, w[k]);
        }
    }

    /// <summary>
    /// A frozen copy of the current q_θ: the parameter values are copied now, and the snapshot samples and scores
    /// with them (copying them into the policy's parameters for the call and restoring the live values after).
    /// </summary>
    public IConditionalModel<TX, ChoiceMap> Snapshot()
    {
        using var _ = no_grad();
        return new FrozenPolicy(this, _parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray());
    }

    private void CheckParameterSet()
    {
        if (Function.Parameters.Count != _parameters.Length)
        {
            var added = Function.Parameters.All.Keys.Except(_names).OrderBy(k => k, StringComparer.Ordinal);
            throw new InferenceException(
                $"Policy '{Function.Name}' created parameter(s) {string.Join(", ", added)} after the family was built: " +
                "pass every training prompt to the GenerativeFamily constructor so that each Param exists before training.");
        }
    }

    /// <summary>The policy at fixed parameter values.</summary>
    private sealed class FrozenPolicy(GenerativeFamily<TX, TRet> family, Tensor[] values) : IConditionalModel<TX, ChoiceMap>, IDisposable
    {
        private static readonly object Gate = new();

        public ChoiceMap[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng) =>
            WithValues(() => family.SampleBase(prompts, samplesPerPrompt, rng));

        public Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs) =>
            WithValues(() => family.LogProbBase(prompts, outputs));

        private T WithValues<T>(Func<T> body)
        {
            // The program reads its parameters from its one store: swap the frozen values in for the call.
            lock (Gate)
            {
                using var _ = no_grad();
                var live = family._parameters.Select(p => p.detach().clone()).ToArray();
                try
                {
                    for (var i = 0; i < values.Length; i++) family._parameters[i].copy_(values[i]);
                    return body();
                }
                finally
                {
                    for (var i = 0; i < values.Length; i++) family._parameters[i].copy_(live[i]);
                    foreach (var t in live) t.Dispose();
                }
            }
        }

        public void Dispose()
        {
            foreach (var t in values) t.Dispose();
        }
    }

    private ChoiceMap[] SampleBase(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng) => base.Sample(prompts, samplesPerPrompt, rng);

    private Tensor LogProbBase(IReadOnlyList<TX> prompts, IReadOnlyList<ChoiceMap> outputs) => base.LogProb(prompts, outputs);
}
