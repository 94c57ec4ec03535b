namespace Ppl.Modeling;

/// <summary>
/// The differentiable form of a model (written by the source generator for a <c>[Model]</c> method): the
/// model's body with every value that depends on a continuous choice computed over
/// <see cref="Autodiff.Real"/>, and every site a call on <paramref name="context"/>, which supplies the
/// choices' values from an unconstrained position and accumulates the log density with its Jacobian terms.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <param name="context">The run's context.</param>
/// <param name="args">The model's arguments.</param>
public delegate void DifferentiableBody<TArgs>(DifferentiableContext context, TArgs args);

/// <summary>A generative function that has a differentiable form (generated <c>[Model]</c> methods whose bodies the generator could lower).</summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
public interface IHasDifferentiableForm<TArgs>
{
    /// <summary>The differentiable form, or null when the generator could not write one (diagnostic PPL0012 says why).</summary>
    DifferentiableBody<TArgs>? DifferentiableForm { get; }

    /// <summary>Why there is no differentiable form (the PPL0012 message), or null when there is one.</summary>
    string? DifferentiableFormMissingReason { get; }
}
