import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import SummariesAPI
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Testing

func credentials(_ email: String, padding: Int = 0) -> ByteBuffer {
    ByteBuffer(string: #"{"email":"\#(email)","password":"correct horse\#(String(repeating: " ", count: padding))"}"#)
}
