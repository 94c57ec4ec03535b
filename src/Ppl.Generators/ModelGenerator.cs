using Microsoft.CodeAnalysis;

namespace Ppl.Generators
{
    /// <summary>
    /// The incremental source generator that will turn <c>[Model]</c> methods into generated generative
    /// functions. Until that lands it registers nothing, so models run through the dynamic tracer.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
