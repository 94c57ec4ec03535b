namespace Ppl;

/// <summary>What every generative function shares, whatever its argument and return types.</summary>
public interface IGenerativeFunction
{
    /// <summary>A readable name, used in error messages and summaries.</summary>
    string Name { get; }

    /// <summary>
    /// <see cref="IGenerativeFunction{TArgs, TRet}.Project"/> for a trace whose types the caller does not
    /// know (e.g. a sub-call trace held by a combinator).
    /// </summary>
    double Project(ITrace trace, Selection selection);
}

/// <summary>
/// The generative function interface: the one seam between models and inference. Every model (dynamic
/// or generated), every combinator and every proposal implements it, and every inference algorithm
/// uses only it. The contract follows Gen's:
/// <list type="bullet">
/// <item><c>p(t; x)</c> is the unnormalised density of the choices t at arguments x: the product of the
/// densities of the random choices, of the observations and of the factors. A trace's
/// <see cref="ITrace.Score"/> is log p(t; x).</item>
/// <item>The internal proposal for choices that are not constrained is the prior (ancestral sampling).</item>
/// </list>
/// The weight identities of every operation are tested as laws for every kind of generative function.
/// </summary>
/// <typeparam name="TArgs">The arguments (use a tuple for several).</typeparam>
/// <typeparam name="TRet">The return value.</typeparam>
public interface IGenerativeFunction<TArgs, TRet> : IGenerativeFunction
{
    /// <summary>Runs the function forward, sampling every choice; the trace's score is log p(t; x).</summary>
    ITrace<TArgs, TRet> Simulate(TArgs args, Rng rng);

    /// <summary>
    /// Runs with the choices in <paramref name="constraints"/> fixed and the others sampled from the
    /// prior. Weight = log p(t; x) − log q(unconstrained choices), i.e. the log density of the
    /// constrained choices plus observations and factors. Throws <see cref="UnvisitedConstraintsException"/>
    /// when a constraint names an address the run never visits.
    /// </summary>
    GenerateResult<TArgs, TRet> Generate(TArgs args, ChoiceMap constraints, Rng rng);

    /// <summary>
    /// log p(choices; x) for a complete set of choices, and the return value, without building a trace.
    /// Throws <see cref="ModelException"/> when a choice the run needs is missing.
    /// </summary>
    AssessResult<TRet> Assess(TArgs args, ChoiceMap choices);

    /// <summary>Samples choices and returns them with weight log p(choices; x) (equal to what Assess gives for them).</summary>
    ProposeResult<TRet> Propose(TArgs args, Rng rng);

    /// <summary>
    /// Moves a trace to new arguments and constraints. Choices at constrained addresses take the new
    /// values; other choices the new run visits keep their old values where the trace has them and are
    /// sampled from the prior otherwise. Weight = log p(t'; x') − log p(t; x) − log q(fresh choices).
    /// Discard holds the old values that were overwritten or are no longer visited.
    /// </summary>
    UpdateResult<TArgs, TRet> Update(ITrace<TArgs, TRet> trace, TArgs args, ChoiceMap constraints, Rng rng);

    /// <summary>
    /// Resamples the selected choices from the prior (and any new ones), keeping the rest. Weight =
    /// log [p(t'; x') q(t | t') / (p(t; x) q(t' | t))], the Metropolis–Hastings ratio of the move.
    /// </summary>
    RegenerateResult<TArgs, TRet> Regenerate(ITrace<TArgs, TRet> trace, TArgs args, Selection selection, Rng rng);

    /// <summary>
    /// log of the density of the selected choices plus observations and factors: the weight
    /// <see cref="Generate"/> would return if constrained on exactly the selected choices of the trace.
    /// </summary>
    double Project(ITrace<TArgs, TRet> trace, Selection selection);

    /// <summary>
    /// Gradients of log p(t; x) with respect to the selected continuous choices, as a choice map of the
    /// same shape (a double for scalar choices, a double[] for vectors, a tensor for tensors).
    /// </summary>
    ChoiceMap ChoiceGradients(ITrace<TArgs, TRet> trace, Selection selection);

    /// <summary>
    /// Adds <paramref name="scale"/> · ∇θ log p(t; x) to the gradients of the function's trainable
    /// parameters (TorchSharp tensors registered with <see cref="Parameters"/>).
    /// </summary>
    void AccumulateParameterGradients(ITrace<TArgs, TRet> trace, double scale);

    /// <summary>The trainable parameters of this function (possibly empty).</summary>
    ParameterStore Parameters { get; }
}

/// <summary>The result of <see cref="IGenerativeFunction{TArgs, TRet}.Generate"/>.</summary>
/// <param name="Trace">The new trace.</param>
/// <param name="Weight">log p(t; x) − log q(unconstrained choices).</param>
public readonly record struct GenerateResult<TArgs, TRet>(ITrace<TArgs, TRet> Trace, double Weight);

/// <summary>The result of <see cref="IGenerativeFunction{TArgs, TRet}.Assess"/>.</summary>
/// <param name="Weight">log p(choices; x).</param>
/// <param name="Return">The return value.</param>
public readonly record struct AssessResult<TRet>(double Weight, TRet Return);

/// <summary>The result of <see cref="IGenerativeFunction{TArgs, TRet}.Propose"/>.</summary>
/// <param name="Choices">The sampled choices.</param>
/// <param name="Weight">log p(choices; x).</param>
/// <param name="Return">The return value.</param>
public readonly record struct ProposeResult<TRet>(ChoiceMap Choices, double Weight, TRet Return);

/// <summary>The result of <see cref="IGenerativeFunction{TArgs, TRet}.Update"/>.</summary>
/// <param name="Trace">The new trace.</param>
/// <param name="Weight">log p(t'; x') − log p(t; x) − log q(fresh choices).</param>
/// <param name="Discard">Old values overwritten by constraints or no longer visited.</param>
public readonly record struct UpdateResult<TArgs, TRet>(ITrace<TArgs, TRet> Trace, double Weight, ChoiceMap Discard);

/// <summary>The result of <see cref="IGenerativeFunction{TArgs, TRet}.Regenerate"/>.</summary>
/// <param name="Trace">The new trace.</param>
/// <param name="Weight">The log Metropolis–Hastings ratio of the move.</param>
public readonly record struct RegenerateResult<TArgs, TRet>(ITrace<TArgs, TRet> Trace, double Weight);
