using System.Net;
using System.Net.Http.Headers;
using Detector.Domain;

namespace Detector.Tests.Domain;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-04-29T14:00:00Z");
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    private static HttpResponseMessage Answer(HttpStatusCode status, RetryConditionHeaderValue? retryAfter)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.RetryAfter = retryAfter;
        return response;
    }

    [Fact]
    public void Seconds_are_honoured()
    {
        using var response = Answer(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfter.Delay(response, Now, Max));
    }

    [Fact]
    public void A_date_is_measured_from_now()
    {
        using var response = Answer(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(Now.AddSeconds(12)));
        Assert.Equal(TimeSpan.FromSeconds(12), RetryAfter.Delay(response, Now, Max));
    }

    [Fact]
    public void Long_waits_are_capped()
    {
        using var response = Answer(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(TimeSpan.FromHours(1)));
        Assert.Equal(Max, RetryAfter.Delay(response, Now, Max));
    }

    [Fact]
    public void Other_answers_leave_the_wait_to_the_backoff()
    {
        using var error = Answer(HttpStatusCode.InternalServerError, new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)));
        using var noHeader = Answer(HttpStatusCode.TooManyRequests, null);
        Assert.Null(RetryAfter.Delay(error, Now, Max));
        Assert.Null(RetryAfter.Delay(noHeader, Now, Max));
        Assert.Null(RetryAfter.Delay(null, Now, Max));
    }
}
